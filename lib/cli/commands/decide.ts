/** approve, reject, cancel, retry: a decision about a run, then (except cancel) follow it to its end. */
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import type { Context } from "../context";
import { ExitCode, usageError } from "../exit-codes";
import { followAndReport } from "../run-plan";

const BY = "trellis cli";

async function follow(ctx: Context, runId: string, noFollow: boolean | undefined, interactive = false): Promise<number> {
  const client = ctx.client();
  // In local mode this process is the one running the run: leaving would pause it.
  if (noFollow && client.pageUrl("/")) {
    ctx.out.line(`The run goes on: ${client.pageUrl(`/runs/${runId}`)}`);
    ctx.out.result({ runId });
    return ExitCode.ok;
  }
  const detail = await client.run(runId);
  const report = await followAndReport(ctx, runId, detail.plan, interactive);
  ctx.out.result(report.json);
  return report.code;
}

function decision(name: "approve" | "reject"): Command {
  return {
    name,
    summary: name === "approve" ? "Approve a step that waits for approval, then follow the run" : "Reject a step that waits for approval, then follow the run",
    usage: [`${name} <run id> <step id> [--comment TEXT] [--no-follow]`],
    details: [
      "--comment TEXT   stored with the decision",
      "--no-follow      with --server, do not follow the run afterwards (locally this process runs it, so it follows)",
      ...(name === "reject" ? ["What a rejection does is the run's onReject option: skip what depends on the step (the default), or fail the run."] : []),
    ],
    async run(ctx, argv) {
      const { values, positionals } = parseCommandArgs(argv, { comment: { type: "string" }, "no-follow": { type: "boolean" }, interactive: { type: "boolean" } });
      const [runId, stepId] = positionals;
      if (!runId || !stepId) throw usageError(`Say which run and step: trellis ${this.usage[0]}`);
      const client = ctx.client();
      await (name === "approve" ? client.approve(runId, { stepId, by: BY, comment: values.comment }) : client.reject(runId, { stepId, by: BY, comment: values.comment }));
      ctx.out.progress(`${name === "approve" ? "Approved" : "Rejected"} step ${stepId} of run ${runId}.`);
      return follow(ctx, runId, values["no-follow"], Boolean(values.interactive));
    },
  };
}

export const approveCommand = decision("approve");
export const rejectCommand = decision("reject");

export const cancelCommand: Command = {
  name: "cancel",
  summary: "Cancel a run",
  usage: ["cancel <run id>"],
  details: [
    "Exit 0 when the run was cancelled; 1 when it had already ended, or another Trellis process runs it (use --server); 2 when there is no such run.",
    "Without --server, a run left unfinished by a process that stopped is cancelled as it is stored: no step starts again.",
  ],
  async run(ctx, argv) {
    const { positionals } = parseCommandArgs(argv, {});
    const runId = positionals[0];
    if (!runId) throw usageError(`Say which run: trellis ${this.usage[0]}`);
    const client = ctx.client();
    const before = await client.run(runId);
    await client.cancel(runId);
    const after = await client.run(runId);
    const was = new Map(before.steps.map((s) => [s.stepId, s.status]));
    const cancelled = after.steps.filter((s) => s.status === "cancelled" && was.get(s.stepId) !== "cancelled").map((s) => ({ stepId: s.stepId, was: was.get(s.stepId) ?? "pending" }));
    // Locally, a run this process did not start was left by a process that stopped: its "running" steps ran nowhere.
    const left = !client.pageUrl("/") && (before.run.status === "running" || before.run.status === "queued");
    const { c } = ctx.out;
    ctx.out.line(`Cancelled run ${runId} (it was ${before.run.status}${left ? ", left unfinished by a process that stopped" : ""}).`);
    const width = Math.max(4, ...cancelled.map((s) => s.stepId.length));
    for (const s of cancelled) {
      const note = s.was === "running" || s.was === "retrying" ? (left ? "was running when its process stopped; not started again" : "was running; stopped") : `was ${s.was.replace("_", " ")}`;
      ctx.out.line(`  ${c.dim("■")} ${s.stepId.padEnd(width)}  cancelled ${c.dim(`(${note})`)}`);
    }
    const kept = after.steps.length - cancelled.length;
    if (kept) ctx.out.line(c.dim(`  ${kept} step${kept === 1 ? "" : "s"} had already ended and ${kept === 1 ? "keeps its" : "keep their"} outcome.`));
    ctx.out.result({ runId, status: after.run.status, was: before.run.status, cancelledSteps: cancelled });
    return ExitCode.ok;
  },
};

export const retryCommand: Command = {
  name: "retry",
  summary: "Retry a failed or cancelled run, reusing the steps that succeeded",
  usage: ["retry <run id> [--latest] [--interactive] [--no-follow]"],
  details: ["--latest        on the plan's newest version (default: the version the run used)", "--interactive   ask about each step that waits for approval", "--no-follow     with --server, do not follow the new run"],
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { latest: { type: "boolean" }, interactive: { type: "boolean" }, "no-follow": { type: "boolean" } });
    const runId = positionals[0];
    if (!runId) throw usageError(`Say which run: trellis ${this.usage[0]}`);
    const { runId: newId } = await ctx.client().retry(runId, { latest: values.latest });
    ctx.out.progress(`${ctx.out.c.bold(`Run ${newId}`)} retries ${runId}.`);
    return follow(ctx, newId, values["no-follow"], Boolean(values.interactive));
  },
};
