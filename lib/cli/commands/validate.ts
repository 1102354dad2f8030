import { Catalog, validatePlan } from "../../core";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { ExitCode } from "../exit-codes";
import { loadPlan } from "../plan-source";
import { issueCounts, issueLines } from "../render";

export const validateCommand: Command = {
  name: "validate",
  summary: "Check a plan against the catalog before anything runs",
  usage: ["validate <plan.json | plan id | ->"],
  details: [
    "Checks types, references, cycles and missing inputs, exactly as the app does. A file may use",
    "binding objects or the compact text form (\"${inputs.region}\", \"${steps.load.output.table}\").",
    "Exit 0 when valid (warnings are printed), 3 when it has errors or is not a plan.",
  ],
  async run(ctx, argv) {
    const { positionals } = parseCommandArgs(argv, {});
    const source = await loadPlan(ctx, positionals[0], this.usage[0]);
    const { issues, valid } = source.kind === "stored" ? source.detail : validatePlan(source.plan, new Catalog(await ctx.client().actions()));
    const name = source.kind === "stored" ? `plan ${source.planId} (v${source.detail.latest.number})` : source.name;
    ctx.out.result({ valid, issues, steps: source.plan.steps.length });
    const { c } = ctx.out;
    ctx.out.line(valid ? c.green(`✓ ${name} is valid: ${source.plan.steps.length} steps (${issueCounts(issues)}).`) : c.red(`✗ ${name} is not valid (${issueCounts(issues)}).`));
    for (const l of issueLines(issues, c)) ctx.out.line(l);
    return valid ? ExitCode.ok : ExitCode.invalidPlan;
  },
};
