/**
 * Running a stored plan from the terminal, shared by `run`, `plan --execute` and
 * `templates use --execute`: fill the inputs (asking for missing ones when interactive),
 * start the run, follow it, and report the outcome with its exit code.
 */
import { existsSync, readdirSync } from "node:fs";
import { checkValue, describeType, type ReplanOptions, formatValueErrors, progressText, runOutcome, runProgress, type Plan, type RunOutcome } from "../core";
import type { Context } from "./context";
import { CliError, ExitCode } from "./exit-codes";
import { followRun, type FollowEnd } from "./follow-run";
import { outputLines } from "./render";
import { valueFor } from "./values";

export interface RunChoice {
  inputs: Record<string, unknown>;
  interactive: boolean;
  dryRun: boolean;
  continueOnFailure?: boolean;
  /** undo the completed writes when the run fails */
  rollbackOnFailure?: boolean;
  /** steps that send data outside Trellis wait for approval */
  approveOutgoing?: boolean;
  versionId?: string;
  /** uploads to put into the run's workspace */
  files?: string[];
  /** re-plan when a step fails for good (run option `replan`) */
  replan?: ReplanOptions;
}

export interface RunReport {
  code: number;
  json: Record<string, unknown>;
}

const END_CODE: Record<FollowEnd, number> = {
  succeeded: ExitCode.ok,
  failed: ExitCode.failed,
  cancelled: ExitCode.cancelled,
  awaiting_approval: ExitCode.awaitingApproval,
  detached: ExitCode.interrupted,
};

/** A succeeded run that did not go cleanly says so in its exit code. */
const OUTCOME_CODE: Record<RunOutcome, number> = { clean: ExitCode.ok, with_rejections: ExitCode.withRejections, partial: ExitCode.partial };

/** Plan inputs that have neither a value nor a default and are required. */
export function missingInputs(plan: Plan, given: Record<string, unknown>): Plan["inputs"] {
  return plan.inputs.filter((i) => given[i.name] === undefined && i.default === undefined && i.required !== false);
}

async function askInputs(ctx: Context, plan: Plan, given: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out = { ...given };
  for (const input of missingInputs(plan, given)) {
    for (let tries = 0; ; tries++) {
      const line = await ctx.prompter().ask(`${ctx.out.c.yellow("?")} Value for ${ctx.out.c.bold(input.name)} (${describeType(input.schema)}${input.description ? `, ${input.description}` : ""}): `);
      if (line === null) throw new CliError(ExitCode.usage, `No value for the plan input "${input.name}" (input ended).`);
      const value = valueFor(line, input.schema);
      const errors = checkValue(value, input.schema);
      if (!errors.length) {
        out[input.name] = value;
        break;
      }
      ctx.out.ask(`  ${formatValueErrors(errors)}\n`);
      if (tries >= 2) throw new CliError(ExitCode.usage, `No valid value for the plan input "${input.name}".`);
    }
  }
  return out;
}

export async function runStoredPlan(ctx: Context, planId: string, plan: Plan, choice: RunChoice): Promise<RunReport> {
  const client = ctx.client();
  const { out } = ctx;
  const { c } = out;
  let inputs = choice.inputs;
  const missing = missingInputs(plan, inputs);
  if (missing.length) {
    if (!choice.interactive) {
      throw new CliError(ExitCode.usage, `The plan needs ${missing.length === 1 ? "a value" : "values"} for ${missing.map((m) => `"${m.name}" (${describeType(m.schema)})`).join(", ")}. Pass ${missing.map((m) => `--input ${m.name}=…`).join(" ")}, or run with --interactive to be asked.`);
    }
    inputs = await askInputs(ctx, plan, inputs);
  }
  const { runId } = await client.startRun(planId, {
    versionId: choice.versionId,
    inputs,
    ...(choice.files?.length ? { files: choice.files } : {}),
    options: {
      dryRun: choice.dryRun,
      approveWrites: choice.interactive,
      onReject: "skip_dependents",
      failurePolicy: choice.continueOnFailure ? "continue" : "fail_fast",
      rollbackOnFailure: Boolean(choice.rollbackOnFailure),
      approveOutgoing: Boolean(choice.approveOutgoing),
      ...(choice.replan ? { replan: choice.replan } : {}),
    },
  });
  const url = client.pageUrl(`/runs/${runId}`);
  out.progress(`${c.bold(`Run ${runId}`)}${choice.dryRun ? c.yellow(" (dry run)") : ""} · ${plan.steps.length} step${plan.steps.length === 1 ? "" : "s"}${choice.interactive ? " · writes and approvals are confirmed here" : ""}${choice.rollbackOnFailure ? " · its writes are undone if it fails" : ""}`);
  if (url) out.progress(c.dim(`  ${url}`));
  return followAndReport(ctx, runId, plan, choice.interactive);
}

export async function followAndReport(ctx: Context, runId: string, plan: Plan, interactive: boolean): Promise<RunReport> {
  const client = ctx.client();
  const { out } = ctx;
  const followed = await followRun(ctx, runId, plan, { interactive });
  const outcome = runOutcome(followed.view);
  const code = followed.stoppedByRejection && followed.end === "succeeded" ? ExitCode.cancelled : outcome ? OUTCOME_CODE[outcome] : END_CODE[followed.end];
  const base = { runId, status: followed.end === "detached" ? followed.view.status : followed.end, url: client.pageUrl(`/runs/${runId}`) };
  if (followed.end === "detached") return { code, json: base };
  const detail = await client.run(runId);
  if (detail.run.options.dryRun) out.progress(out.c.yellow("Dry run: nothing was written; the write steps above say what they would do."));
  for (const l of outputLines(detail.run.outputs, out.c)) out.line(l);
  const folder = client.runFolder(runId);
  if (folder && existsSync(folder) && readdirSync(folder).length) out.line(out.c.dim(`Files the run wrote are in ${folder}`));
  return {
    code,
    json: {
      ...base,
      status: detail.run.status,
      outcome: detail.run.outcome,
      progress: progressText(runProgress(followed.view)),
      dryRun: detail.run.options.dryRun,
      planId: detail.run.planId,
      planVersionId: detail.run.planVersionId,
      inputs: detail.run.inputs,
      outputs: detail.run.outputs ?? null,
      failure: detail.run.failure ?? null,
      steps: Object.fromEntries(detail.steps.map((s) => [s.stepId, { status: s.status, attempts: s.attempts, ...(s.failure ? { failure: s.failure } : {}), ...(s.approval ? { approval: s.approval.decision, ...(s.approval.by ? { by: s.approval.by } : {}), ...(s.approval.comment ? { comment: s.approval.comment } : {}) } : {}) }])),
    },
  };
}
