import { describeType, isObject, type Plan } from "../../core";
import { instantiateTemplate, paramBinding, type SavedTemplateParam, type TemplateInfo } from "../../templates";
import { list, parseCommandArgs } from "../args";
import type { Command } from "../command";
import type { Context } from "../context";
import { CliError, ExitCode, usageError } from "../exit-codes";
import { readInputs, INPUT_OPTIONS } from "../inputs-option";
import { confirmRun, offerRun, savePlanFile } from "../plan-actions";
import { loadPlan } from "../plan-source";
import { inlineValue, issueCounts, issueLines, planLines, table, truncate } from "../render";
import { runStoredPlan } from "../run-plan";
import { parsePairs, typedValues } from "../values";
import { RUN_HELP } from "./run";

function flags(t: TemplateInfo): string {
  return [t.usesLlm ? "LLM" : "", t.needsApproval ? "approval" : "", t.writes ? "writes" : "", t.source === "saved" ? "saved" : ""].filter(Boolean).join(", ");
}

async function listTemplates(ctx: Context): Promise<number> {
  const { templates } = await ctx.client().templates();
  ctx.out.result({ templates });
  const { c } = ctx.out;
  const rows = templates.map((t) => [c.cyan(t.id), truncate(t.name, 36), t.params.map((p) => p.name).join(", "), c.dim(flags(t))]);
  for (const l of table(rows, c, ["template", "name", "parameters", ""])) ctx.out.line(l);
  ctx.out.line(c.dim(`\nDetails: trellis templates show <id> · make a plan: trellis templates use <id> --param k=v`));
  return ExitCode.ok;
}

async function showTemplate(ctx: Context, id: string): Promise<number> {
  const { template: t } = await ctx.client().template(id);
  ctx.out.result({ template: t });
  const { c } = ctx.out;
  ctx.out.line(`${c.bold(t.name)} ${c.dim(`(${t.id}, ${t.source}${flags(t) ? `; ${flags(t)}` : ""})`)}`);
  if (t.description) ctx.out.line(t.description);
  ctx.out.line(c.bold("\nParameters"));
  const rows = t.params.map((p) => [
    `  ${p.name}`,
    c.dim(describeType(p.schema)),
    p.default !== undefined ? `default ${inlineValue(p.default, 40)}` : paramBinding(p) === "literal" ? c.yellow("required") : c.dim("asked when run"),
    c.dim(paramBinding(p) === "literal" ? "written into the plan" : "a plan input"),
    truncate(p.description ?? p.title ?? "", 70),
  ]);
  for (const l of table(rows, c)) ctx.out.line(l);
  ctx.out.line();
  // The plan it makes with its defaults reads better than the template's own, placeholders and all.
  const sample = instantiateTemplate(t, {});
  if (sample.ok) ctx.out.line(c.dim("The plan it makes with the defaults:"));
  for (const l of planLines(sample.ok ? sample.plan : t.plan, c)) ctx.out.line(l);
  return ExitCode.ok;
}

async function instantiateCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    param: { type: "string", multiple: true },
    "no-save": { type: "boolean" },
    save: { type: "string" },
    execute: { type: "boolean" },
    interactive: { type: "boolean" },
    "dry-run": { type: "boolean" },
    continue: { type: "boolean" },
    rollback: { type: "boolean" },
    "approve-outgoing": { type: "boolean" },
    ...INPUT_OPTIONS,
  });
  const id = positionals[1];
  if (!id) throw usageError("Say which template: trellis templates use <id> [--param k=v]…");
  const execute = values.execute || values["dry-run"];
  if (values["no-save"] && (execute || values.interactive)) throw usageError("--no-save makes a plan without storing it, so it cannot run; leave out --execute / --interactive.");
  const client = ctx.client();
  const { template } = await client.template(id);
  const params = typedValues(parsePairs(list(values.param), "--param"), template.params, "parameter", "--param");
  const made = await client.instantiate(id, params, !values["no-save"]);
  const { out } = ctx;
  const { c } = out;
  const inputs = await readInputs(ctx, made.plan, values);
  for (const l of planLines(made.plan, c, inputs)) out.line(l);
  if (made.issues.length) {
    out.line(c.bold(`Issues (${issueCounts(made.issues)})`));
    for (const l of issueLines(made.issues, c)) out.line(l);
  }
  const needsLlm = (made.coverage?.parts ?? []).filter((p) => p.uncovered?.reason === "needs_llm");
  if (needsLlm.length) {
    out.line(c.yellow(`Needs an LLM, and none is configured (set OPENAI_API_KEY): ${needsLlm.map((p) => `${p.steps.join(", ")} (${p.text})`).join("; ")}. Runs of this plan are refused until one is.`));
  }
  const file = values.save ? await savePlanFile(ctx, values.save, made.plan) : undefined;
  const json: Record<string, unknown> = { ...made, ...(file ? { file } : {}) };
  out.line();
  if (made.planId) out.line(`${made.valid ? c.green("✓") : c.red("✗")} Stored as plan ${c.bold(made.planId)}${client.pageUrl("/") ? ` · ${client.pageUrl(`/plans/${made.planId}`)}` : ""}`);
  if (!made.valid) {
    out.result(json);
    throw new CliError(ExitCode.invalidPlan, `The plan made from "${id}" is not valid (${issueCounts(made.issues)}).`);
  }
  if (!made.planId) {
    out.result(json);
    return ExitCode.ok;
  }
  const go = execute || (values.interactive && (await confirmRun(ctx)));
  if (!go) {
    out.result(json);
    offerRun(ctx, made.planId);
    return ExitCode.ok;
  }
  out.progress();
  const report = await runStoredPlan(ctx, made.planId, made.plan, { inputs, interactive: Boolean(values.interactive), dryRun: Boolean(values["dry-run"]), continueOnFailure: Boolean(values.continue), rollbackOnFailure: Boolean(values.rollback), approveOutgoing: Boolean(values["approve-outgoing"]) });
  out.result({ ...json, run: report.json });
  return report.code;
}

/** `--lift name=step.input`: the step input's literal becomes a parameter typed like the action's input. */
async function liftedParams(ctx: Context, plan: Plan, specs: string[]): Promise<SavedTemplateParam[]> {
  if (!specs.length) return [];
  const actions = new Map((await ctx.client().actions()).map((a) => [a.id, a]));
  return specs.map((spec) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([^.]+)\.(.+)$/.exec(spec);
    if (!m) throw usageError(`--lift takes name=step.input, not "${spec}".`);
    const [, name, step, input] = m;
    const action = plan.steps.find((s) => s.id === step)?.action;
    const props = action ? actions.get(action)?.input.properties : undefined;
    const schema = isObject(props) && isObject(props[input]) ? props[input] : {};
    return { name, schema, bind: "literal", from: { step, input } };
  });
}

async function saveTemplate(ctx: Context, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { name: { type: "string" }, description: { type: "string" }, id: { type: "string" }, lift: { type: "string", multiple: true } });
  if (!values.name) throw usageError("Give the template a name: trellis templates save <plan.json | plan id> --name NAME");
  const source = await loadPlan(ctx, positionals[1], "trellis templates save <plan.json | plan id> --name NAME");
  const lifted = await liftedParams(ctx, source.plan, list(values.lift));
  const params = lifted.length ? [...source.plan.inputs.map((i) => ({ name: i.name, schema: i.schema })), ...lifted] : undefined;
  const { template } = await ctx.client().saveTemplate({
    ...(source.kind === "stored" ? { planId: source.planId } : { plan: source.plan }),
    name: values.name,
    description: values.description,
    id: values.id,
    params,
  });
  ctx.out.result({ template });
  ctx.out.line(`${ctx.out.c.green("✓")} Saved the template ${ctx.out.c.bold(template.id)} with ${template.params.length} parameter${template.params.length === 1 ? "" : "s"}${template.params.length ? `: ${template.params.map((p) => p.name).join(", ")}` : ""}.`);
  return ExitCode.ok;
}

export const templatesCommand: Command = {
  name: "templates",
  summary: "List plan templates, show one, make a plan from one, save a plan as one",
  usage: [
    "templates [list]",
    "templates show <id>",
    "templates use <id> [--param k=v]... [--save plan.json] [--no-save] [--execute] [--interactive] [--dry-run] [--input k=v]...",
    "templates save <plan.json | plan id> --name NAME [--description TEXT] [--id SLUG] [--lift name=step.input]...",
    "templates delete <id>",
  ],
  details: [
    "use:  --param k=v   a template parameter (repeatable), typed by its JSON Schema",
    "      --no-save     only print the plan (with --json: return it); nothing is stored",
    "      --save FILE   also write the plan's JSON to FILE",
    ...RUN_HELP.map((l) => `      ${l}`),
    "save: the plan's inputs become parameters; --lift name=step.input also turns that step input's",
    "      literal into a parameter (written into the plan when it is used; its value is the default).",
    "delete: saved templates only; built-in ones are part of the code.",
  ],
  async run(ctx, argv) {
    const { positionals } = parseCommandArgs(argv, { param: { type: "string", multiple: true }, "no-save": { type: "boolean" }, save: { type: "string" }, execute: { type: "boolean" }, interactive: { type: "boolean" }, "dry-run": { type: "boolean" }, continue: { type: "boolean" }, rollback: { type: "boolean" }, "approve-outgoing": { type: "boolean" }, name: { type: "string" }, description: { type: "string" }, id: { type: "string" }, lift: { type: "string", multiple: true }, ...INPUT_OPTIONS });
    const sub = positionals[0] ?? "list";
    switch (sub) {
      case "list":
        return listTemplates(ctx);
      case "show":
        if (!positionals[1]) throw usageError("Say which template: trellis templates show <id>");
        return showTemplate(ctx, positionals[1]);
      case "use":
        return instantiateCommand(ctx, argv);
      case "save":
        return saveTemplate(ctx, argv);
      case "delete": {
        if (!positionals[1]) throw usageError("Say which template: trellis templates delete <id>");
        await ctx.client().deleteTemplate(positionals[1]);
        ctx.out.result({ deleted: positionals[1] });
        ctx.out.line(`Deleted the template ${positionals[1]}.`);
        return ExitCode.ok;
      }
      default:
        throw usageError(`templates takes list, show, use, save or delete, not "${sub}".`);
    }
  },
};
