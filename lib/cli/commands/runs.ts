import { RunOutcome, RunStatus, progressText, stepCounts, type RunOutcome as Outcome } from "../../core";
import { parseCommandArgs, positiveInt } from "../args";
import type { Command } from "../command";
import type { Context } from "../context";
import { ExitCode, usageError } from "../exit-codes";
import { duration, outputLines, table, truncate } from "../render";

const STATUS_MARK: Record<string, string> = { succeeded: "✓", failed: "✗", cancelled: "■", running: "●", queued: "○", awaiting_approval: "⏸", pending: "○", skipped: "–", retrying: "↻" };

function colour(ctx: Context, status: string, outcome?: Outcome | null): string {
  const { c } = ctx.out;
  if (outcome && outcome !== "clean") return c.yellow(`! ${status} ${outcome === "with_rejections" ? "with rejections" : "in part"}`);
  const text = `${STATUS_MARK[status] ?? "·"} ${status}`;
  return status === "succeeded" ? c.green(text) : status === "failed" ? c.red(text) : status === "awaiting_approval" || status === "cancelled" ? c.yellow(text) : text;
}

async function showRun(ctx: Context, runId: string): Promise<number> {
  const d = await ctx.client().run(runId);
  ctx.out.result(d);
  const { c } = ctx.out;
  const r = d.run;
  ctx.out.line(`${c.bold(`Run ${r.id}`)}  ${colour(ctx, r.status, r.outcome)}  ${c.dim(progressText(stepCounts(d.steps)))}`);
  ctx.out.line(c.dim(`  plan "${d.planTitle}" v${d.versionNumber} (${r.planId}) · created ${r.createdAt}${r.startedAt && r.finishedAt ? ` · took ${duration(Date.parse(r.finishedAt) - Date.parse(r.startedAt))}` : ""}${r.retryOfId ? ` · retry of ${r.retryOfId}` : ""}`));
  if (Object.keys(r.inputs).length) ctx.out.line(c.dim(`  inputs ${truncate(JSON.stringify(r.inputs), 150)}`));
  const order = new Map(d.plan.steps.map((s, i) => [s.id, i]));
  const steps = [...d.steps].sort((a, b) => (order.get(a.stepId) ?? 0) - (order.get(b.stepId) ?? 0));
  const action = new Map(d.plan.steps.map((s) => [s.id, s.action]));
  const rows = steps.map((s) => [
    `  ${s.stepId}`,
    c.dim(action.get(s.stepId) ?? ""),
    colour(ctx, s.status),
    s.attempts > 1 ? `${s.attempts} attempts` : "",
    s.startedAt && s.finishedAt ? duration(Date.parse(s.finishedAt) - Date.parse(s.startedAt)) : "",
    s.failure ? c.red(truncate(s.failure.message, 80)) : s.approval ? c.dim(`${s.approval.decision}${s.approval.by ? ` by ${s.approval.by}` : ""}`) : "",
  ]);
  for (const l of table(rows, c)) ctx.out.line(l);
  if (r.failure) ctx.out.line(c.red(`Failure: ${r.failure.message}`));
  for (const l of outputLines(r.outputs, c)) ctx.out.line(l);
  return ExitCode.ok;
}

export const runsCommand: Command = {
  name: "runs",
  summary: "List runs, or show one with its steps and outputs",
  usage: ["runs [--status S] [--outcome O] [--plan ID] [--limit N]", "runs <run id>"],
  details: ["--status S   queued, running, awaiting_approval, succeeded, failed or cancelled", "--outcome O  succeeded runs that went this way: clean, with_rejections or partial", "--plan ID    only the runs of this plan", "--limit N    at most N runs (default 20, at most 500)"],
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { status: { type: "string" }, outcome: { type: "string" }, plan: { type: "string" }, limit: { type: "string" } });
    if (positionals[0]) return showRun(ctx, positionals[0]);
    if (values.status && !RunStatus.safeParse(values.status).success) throw usageError(`--status takes one of ${RunStatus.options.join(", ")}, not "${values.status}".`);
    if (values.outcome && !RunOutcome.safeParse(values.outcome).success) throw usageError(`--outcome takes one of ${RunOutcome.options.join(", ")}, not "${values.outcome}".`);
    const { runs } = await ctx.client().runs({ status: values.status, outcome: values.outcome, planId: values.plan, limit: positiveInt(values.limit, "--limit") ?? 20 });
    ctx.out.result({ runs });
    const { c } = ctx.out;
    if (!runs.length) {
      ctx.out.line("No runs yet. Start one with: trellis run <plan.json | plan id>");
      return ExitCode.ok;
    }
    const rows = runs.map((r) => [r.id, colour(ctx, r.status, r.outcome), truncate(r.planTitle, 48), c.dim(`v${r.versionNumber}`), progressText(r.steps), c.dim(r.createdAt.replace("T", " ").slice(0, 19)), duration(r.durationMs)]);
    for (const l of table(rows, c, ["run", "status", "plan", "", "", "created (UTC)", "took"])) ctx.out.line(l);
    return ExitCode.ok;
  },
};
