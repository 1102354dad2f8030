import { Catalog, validatePlan } from "../../core";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { CliError, ExitCode } from "../exit-codes";
import { FILE_HELP, FILE_OPTIONS, readFileOptions, uploadFiles } from "../files-option";
import { INPUT_HELP, INPUT_OPTIONS, readInputs } from "../inputs-option";
import { loadPlan } from "../plan-source";
import { issueCounts, issueLines } from "../render";
import { runStoredPlan } from "../run-plan";
import { REPLAN_HELP, REPLAN_OPTIONS, replanChoice } from "../replan-option";

export const RUN_HELP = [
  ...INPUT_HELP,
  "--interactive    confirm each write or approval step here: y approve, N reject and stop, skip, quit",
  "--dry-run        resolve and check every step: reads run, each write says what it would do; nothing is written",
  "--continue       on a failure, skip only what depends on it (default: stop the run)",
  "--rollback       when the run fails, undo the writes it completed, newest first",
  "--approve-outgoing  steps that send data outside Trellis (web requests, URL loads, LLM calls, MCP tools)",
  "                 wait for approval: confirmed here with --interactive, else the command exits 6",
];

export const runCommand: Command = {
  name: "run",
  summary: "Run a plan file or a stored plan, with live progress",
  usage: ["run <plan.json | plan id | -> [--input k=v]... [--file PATH]... [--interactive] [--dry-run] [--continue] [--rollback] [--approve-outgoing] [--replan | --replan-ask] [--max-replans n]"],
  details: [
    ...RUN_HELP,
    ...FILE_HELP,
    ...REPLAN_HELP,
    "A file is validated first (nothing is stored when it has errors), then stored as a plan and run.",
    "Exit 0 succeeded, 1 failed, 2 missing or invalid inputs, 3 invalid plan, 4 cancelled, 6 waits for approval, 7 succeeded with a step a person rejected, 8 succeeded in part (a step had no output and the run went on).",
  ],
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...INPUT_OPTIONS, ...FILE_OPTIONS, interactive: { type: "boolean" }, "dry-run": { type: "boolean" }, continue: { type: "boolean" }, rollback: { type: "boolean" }, "approve-outgoing": { type: "boolean" }, ...REPLAN_OPTIONS });
    const replan = replanChoice(values);
    const source = await loadPlan(ctx, positionals[0], this.usage[0]);
    const client = ctx.client();
    const { c } = ctx.out;
    const inputs = await readInputs(ctx, source.plan, values);
    const localFiles = await readFileOptions(ctx, values.file);
    let planId: string;
    if (source.kind === "file") {
      const { issues, valid } = validatePlan(source.plan, new Catalog(await client.actions()));
      if (!valid) {
        for (const l of issueLines(issues, c)) ctx.out.warn(l);
        throw new CliError(ExitCode.invalidPlan, `${source.name} is not valid (${issueCounts(issues)}); nothing was stored or run.`, { issues });
      }
      const imported = await client.importPlan(source.plan, `Run from the CLI (${source.name})`);
      planId = imported.planId;
      ctx.out.progress(c.dim(`Stored ${source.name} as plan ${planId}.`));
    } else {
      if (!source.detail.valid) {
        for (const l of issueLines(source.detail.issues, c)) ctx.out.warn(l);
        throw new CliError(ExitCode.invalidPlan, `Plan ${source.planId} is not valid (${issueCounts(source.detail.issues)}); fix it before running it.`, { issues: source.detail.issues });
      }
      planId = source.planId;
    }
    const files = await uploadFiles(ctx, localFiles);
    const report = await runStoredPlan(ctx, planId, source.plan, { inputs, files, interactive: Boolean(values.interactive), dryRun: Boolean(values["dry-run"]), continueOnFailure: Boolean(values.continue), rollbackOnFailure: Boolean(values.rollback), approveOutgoing: Boolean(values["approve-outgoing"]), ...(replan ? { replan } : {}) });
    ctx.out.result(report.json);
    return report.code;
  },
};
