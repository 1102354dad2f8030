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
  details: ["Exit 0 when the run was cancelled, 1 when it had already ended."],
  async run(ctx, argv) {
    const { positionals } = parseCommandArgs(argv, {});
    const runId = positionals[0];
    if (!runId) throw usageError(`Say which run: trellis ${this.usage[0]}`);
    await ctx.client().cancel(runId);
    ctx.out.line(`Cancelled run ${runId}.`);
    ctx.out.result({ runId, status: "cancelled" });
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
