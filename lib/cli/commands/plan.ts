import type { PlanningEvent } from "../../core";
import { PlannerChoice, type PlanHelp } from "../../planner/request";
import type { Planned } from "../client";
import { list, parseCommandArgs } from "../args";
import type { Command } from "../command";
import type { Context } from "../context";
import { ExitCode, usageError } from "../exit-codes";
import { issueCounts, issueLines, planLines } from "../render";
import { confirmRun, offerRun, savePlanFile } from "../plan-actions";
import { runStoredPlan } from "../run-plan";
import { looseValue, parsePairs, typedValues } from "../values";
import { RUN_HELP } from "./run";

function planningLine(ctx: Context, e: PlanningEvent): string | undefined {
  const { c } = ctx.out;
  switch (e.type) {
    case "planning.started":
      return c.dim(`Planning ${e.data.source === "llm" ? `with ${e.data.model ?? "the LLM"}` : "offline"} over ${e.data.actions ?? "the"} actions${e.data.flows?.length ? ` of ${e.data.flows.join(", ")}` : ""}…`);
    case "planning.llm_request":
      return c.dim(`  attempt ${e.data.attempt}: asking the LLM${e.data.repair ? " to fix the plan" : ""}…`);
    case "planning.llm_retry":
      return c.dim(`  retrying in ${Math.round(e.data.delayMs / 100) / 10} s: ${e.data.reason}`);
    case "planning.llm_response":
      return c.dim(`  attempt ${e.data.attempt}: ${e.data.ok ? "answered" : `no usable answer${e.data.error ? ` (${e.data.error})` : ""}`} in ${Math.round(e.data.ms)} ms`);
    case "planning.validation":
      return c.dim(`  ${e.data.stage === "repaired" ? "after repairs" : "checked"}: ${e.data.errors} error${e.data.errors === 1 ? "" : "s"}, ${e.data.warnings} warning${e.data.warnings === 1 ? "" : "s"}`);
    case "planning.repair":
      return c.dim(`  repaired: ${e.data.repairs.slice(0, 3).join("; ")}${e.data.repairs.length > 3 ? ` (+${e.data.repairs.length - 3})` : ""}`);
    case "planning.fallback":
      return c.yellow(`  falling back to the ${e.data.to} planner: ${e.data.reason}`);
    case "planning.failed":
      return c.red(`Planning did not produce a valid plan: ${e.data.reason}`);
    case "planning.succeeded":
    case "planning.llm_progress":
      return undefined;
  }
}

const REASONS = { no_action: "no action fits", needs_llm: "needs an LLM", needs_value: "needs a value the goal does not give" } as const;

/** Each part of the goal with the steps that do it, or why nothing does. */
function coverageLines(planned: Planned, c: Context["out"]["c"]): string[] {
  if (!planned.coverage.parts.length) return [];
  return [
    c.bold("Goal coverage"),
    ...planned.coverage.parts.map((p) =>
      p.uncovered
        ? `  ${c.red("✗")} ${p.text} ${c.dim(`— ${REASONS[p.uncovered.reason]}: ${p.uncovered.message}`)}`
        : `  ${c.green("✓")} ${p.text} ${c.dim(`→ ${p.steps.join(", ")}`)}`,
    ),
  ];
}

function helpLines(help: PlanHelp | undefined, c: Context["out"]["c"]): string[] {
  if (!help) return [];
  const out = [c.bold("What would help")];
  if (help.nearest.length) out.push(`  Nearest actions: ${help.nearest.map((a) => `${a.id} (${a.title})`).join(", ")}`);
  if (help.connectLlm) out.push("  Connect an LLM (OPENAI_API_KEY, or OPENAI_BASE_URL for a local server).");
  if (help.connectTools) out.push("  Connect a tool server with a fitting tool (MCP, or an OpenAPI source).");
  return out;
}

export const planCommand: Command = {
  name: "plan",
  summary: "Plan a goal, store the plan, and optionally run it",
  usage: ['plan "<goal>" [--flow F]... [--input k=v]... [--no-memory] [--save plan.json] [--execute] [--interactive] [--dry-run]'],
  details: [
    "--flow F         plan only with the actions of flow F (repeatable; default: every flow)",
    "--input k=v      a value the plan should use (repeatable)",
    "--planner P      auto (default: the LLM when configured), llm or offline",
    "--no-memory      plan without remembered plans (those that ran well for similar goals)",
    "--save FILE      write the plan's JSON to FILE (also when it has errors)",
    "--execute        run the plan once it is planned",
    ...RUN_HELP.filter((l) => !l.startsWith("--input")),
    "With --interactive and no --execute, you are asked whether to run it.",
    "Exit 3 when the planner could not produce a valid plan that does the whole goal: a plan with",
    "errors or parts nothing covers is stored as a draft; when nothing fits, nothing is stored.",
  ],
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      flow: { type: "string", multiple: true },
      input: { type: "string", multiple: true },
      planner: { type: "string" },
      "no-memory": { type: "boolean" },
      save: { type: "string" },
      execute: { type: "boolean" },
      interactive: { type: "boolean" },
      "dry-run": { type: "boolean" },
      continue: { type: "boolean" },
      rollback: { type: "boolean" },
      "approve-outgoing": { type: "boolean" },
    });
    const goal = positionals.join(" ").trim();
    if (!goal) throw usageError(`Say what to plan: ${this.usage[0]}`);
    const planner = values.planner === undefined ? undefined : PlannerChoice.safeParse(values.planner);
    if (planner && !planner.success) throw usageError(`--planner takes auto, llm or offline, not "${values.planner}".`);
    const pairs = parsePairs(list(values.input), "--input");
    const client = ctx.client();
    const { out } = ctx;
    const { c } = out;
    const planned = await client.planGoal(
      { goal, flows: list(values.flow), inputs: Object.fromEntries([...pairs].map(([k, v]) => [k, looseValue(v)])), ...(planner?.success ? { planner: planner.data } : {}), ...(values["no-memory"] ? { memory: false } : {}) },
      (e) => {
        const line = planningLine(ctx, e);
        if (line) out.progress(line);
      },
    );
    // The values given, typed by the inputs the plan turned out to have.
    const known = new Set(planned.plan.inputs.map((i) => i.name));
    for (const name of pairs.keys()) if (!known.has(name)) out.warn(c.yellow(`Note: the plan has no input "${name}"; --input ${name} is not used.`));
    const inputs = typedValues(new Map([...pairs].filter(([k]) => known.has(k))), planned.plan.inputs, "plan input", "--input");

    const coverage = coverageLines(planned, c);
    const json: Record<string, unknown> = { planId: planned.planId, versionId: planned.versionId, version: planned.version, status: planned.status, valid: planned.valid, plan: planned.plan, issues: planned.issues, missingInputs: planned.missingInputs, coverage: planned.coverage, ...(planned.help ? { help: planned.help } : {}) };
    if (planned.planId === null) {
      out.line();
      out.line(c.red("✗ Trellis cannot do this with the actions it has; nothing was stored."));
      for (const l of coverage) out.line(l);
      for (const l of helpLines(planned.help, c)) out.line(l);
      out.result(json);
      return ExitCode.invalidPlan;
    }
    const planId = planned.planId;
    out.line();
    for (const l of planLines(planned.plan, c, inputs)) out.line(l);
    if (planned.issues.length) {
      out.line(c.bold(`Issues (${issueCounts(planned.issues)})`));
      for (const l of issueLines(planned.issues, c)) out.line(l);
    }
    for (const l of coverage) out.line(l);
    const url = client.pageUrl(`/plans/${planId}`);
    const complete = planned.valid && planned.status !== "partial";
    out.line();
    out.line(`${complete ? c.green("✓") : c.red("✗")} Stored as plan ${c.bold(planId)} (v${planned.version}, ${planned.status.replace("_", " ")})${url ? ` · ${url}` : ""}`);
    const file = values.save ? await savePlanFile(ctx, values.save, planned.plan) : undefined;
    if (file) json.file = file;
    if (!planned.valid) {
      out.result(json);
      out.warn(c.red("The plan has errors; fix it in the app or plan again with a more specific goal."));
      return ExitCode.invalidPlan;
    }
    if (planned.status === "partial") {
      for (const l of helpLines(planned.help, c)) out.line(l);
      out.result(json);
      out.warn(c.red("The plan does not do every part of the goal; it is stored as a draft. Finish it in the app, or plan again."));
      return ExitCode.invalidPlan;
    }
    const choice = { inputs, interactive: Boolean(values.interactive), dryRun: Boolean(values["dry-run"]), continueOnFailure: Boolean(values.continue), rollbackOnFailure: Boolean(values.rollback), approveOutgoing: Boolean(values["approve-outgoing"]) };
    const go = values.execute || values["dry-run"] || (values.interactive && (await confirmRun(ctx)));
    if (!go) {
      out.result(json);
      offerRun(ctx, planId);
      return ExitCode.ok;
    }
    out.progress();
    const report = await runStoredPlan(ctx, planId, planned.plan, choice);
    out.result({ ...json, run: report.json });
    return report.code;
  },
};
