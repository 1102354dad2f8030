/**
 * The planning prompt: rules and the wire format in the system message; the goal, what the
 * person already gave, an instruction, context snippets, earlier plans, constraints and the
 * offered actions (with their typed inputs and outputs) in the user message. The repair
 * prompt adds the previous answer and what is still wrong with it, with candidates.
 */
import type { ActionSpec } from "../core/action";
import { isObject } from "../core/json-schema";
import type { ValidationIssue } from "../core/issues";
import type { Plan } from "../core/plan";
import type { Repair } from "./repair/context";
import { schemaText } from "./schema-text";
import { planToWire } from "./wire-plan";

export interface PromptInput {
  goal: string;
  actions: readonly ActionSpec[];
  given?: Record<string, unknown>;
  instruction?: string;
  context?: readonly string[];
  earlierPlans?: readonly Plan[];
  /** remembered plans for similar goals that ran well (plan memory) */
  examples?: readonly { goal: string; plan: Plan }[];
  maxSteps?: number;
  useActions?: readonly string[];
  avoidActions?: readonly string[];
}

export interface Prompt {
  system: string;
  prompt: string;
}

const SYSTEM = `You are the planner of Trellis. You turn a person's goal into a plan: a small directed acyclic graph of steps, each step one call of an action from the catalog you are given.

Answer with a JSON object {"inputs": [...], "steps": [...], "outputs": [...], "coverage": [...]}:
- steps: {"id", "action", "label", "inputs", "after", "when"}. id: short, unique, letters/digits/_ (e.g. "load", "by_region"). action: an action id from the catalog, exactly. label: what the step does, in a few words. after: ids of steps that must finish first although no data flows from them (usually []). when: "" (usually), or a condition for a branch: the step runs only when it holds, else it is skipped with the steps that need its output, e.g. \${steps.classify.output.label} == "sql" (==, !=, <, <=, >, >=, in [..], exists, and, or, not; JSON literals).
- A step's inputs are a list of {"name", "value"}. name is one of the action's inputs. value is text, one of:
  - a reference to an earlier step's output: \${steps.ID.output} for the whole output, \${steps.ID.output.FIELD} for a field of it;
  - a reference to a plan input: \${inputs.NAME};
  - a JSON literal: 3, true, ["region"], {"fn": "sum", "column": "revenue"}; a plain string may be written without quotes;
  - a merge of branches: {"firstOf": ["\${steps.a.output.text}", "\${steps.b.output.text}"]} takes the first that produced a value (join branches with it).
- inputs: the values the person must supply when the plan runs: {"name", "description"}; reference them as \${inputs.NAME}.
- outputs: the results the person wants: {"name", "value"} with value a step reference.
- coverage: the goal cut into the parts it asks for, in its own words, each {"part", "steps", "missing", "note"}: steps are the ids of the steps that do that part; when no action of the catalog can do it, steps is [] and missing is "no_action"; when the goal leaves out a value it needs and no plan input can stand for it, missing is "needs_value"; note says what is missing. Otherwise missing and note are "". Trellis checks every claim against the plan: claim only what the steps really do.

Rules:
- Use only the catalog's actions and only the inputs each one lists. Give every required input (marked *) a value.
- Connect outputs to inputs of the same type: a table to a table input, text to text, an image to an image. Pick the field of an output that fits (\${steps.load.output.table}, not \${steps.load.output}).
- Take values from the goal, the given inputs and the context. Never invent values the person did not give (file names, URLs, addresses, numbers): declare a plan input for them instead.
- Keep the plan as small as the goal allows; steps that do not depend on each other run in parallel.
- Never use an action for a part it does not do. When nothing in the catalog does a part, leave it out of the steps and say so in coverage.`;

const MAX_EXAMPLE_CHARS = 4000;

export function buildPlanPrompt(input: PromptInput): Prompt {
  const parts: string[] = [`# Goal\n${input.goal.trim()}`];
  if (input.instruction?.trim()) parts.push(`# Instruction\n${input.instruction.trim()}`);
  const given = Object.entries(input.given ?? {});
  if (given.length) {
    parts.push(`# Values the person already gave (use them through plan inputs of these names)\n${given.map(([k, v]) => `- ${k} = ${clip(JSON.stringify(v), 300)}`).join("\n")}`);
  }
  if (input.context?.length) parts.push(`# Context\n${input.context.map((c) => `- ${clip(c.trim(), 2000)}`).join("\n")}`);
  if (input.earlierPlans?.length) {
    parts.push(
      `# Earlier plans this goal builds on\nKeep their steps (same ids) unless the goal changes them, and add to them.\n${input.earlierPlans
        .map((p) => `Goal: ${p.goal}\n${JSON.stringify(planToWire(p))}`)
        .join("\n\n")}`,
    );
  }
  // A plan too long to show whole is left out rather than cut (half a plan is a bad example).
  const examples = (input.examples ?? []).map((p) => ({ goal: clip(p.goal.trim(), 600), wire: JSON.stringify(planToWire(p.plan)) })).filter((e) => e.wire.length <= MAX_EXAMPLE_CHARS);
  if (examples.length) {
    parts.push(`# Plans that worked for similar goals (examples: reuse their shape where it fits; take values from this goal, never from theirs)\n${examples.map((e) => `Goal: ${e.goal}\n${e.wire}`).join("\n\n")}`);
  }
  const constraints: string[] = [];
  if (input.maxSteps) constraints.push(`At most ${input.maxSteps} steps.`);
  if (input.useActions?.length) constraints.push(`Use these actions: ${input.useActions.join(", ")}.`);
  if (input.avoidActions?.length) constraints.push(`Do not use: ${input.avoidActions.join(", ")}.`);
  if (constraints.length) parts.push(`# Constraints\n${constraints.join("\n")}`);
  parts.push(`# Catalog (${input.actions.length} actions; * marks required inputs)\n${input.actions.map(describeAction).join("\n\n")}`);
  return { system: SYSTEM, prompt: parts.join("\n\n") };
}

export interface PreviousAttempt {
  /** the plan as it stands after deterministic repair, when the answer was a plan */
  plan?: Plan;
  /** why the answer could not be read, when it was not a plan */
  error?: string;
  raw?: string;
  issues: readonly ValidationIssue[];
  repairs: readonly Repair[];
}

export function buildRepairPrompt(input: PromptInput, previous: PreviousAttempt): Prompt {
  const base = buildPlanPrompt(input);
  const parts: string[] = [base.prompt];
  if (previous.plan) {
    parts.push(`# Your previous plan${previous.repairs.length ? " (after automatic fixes)" : ""}\n${JSON.stringify(planToWire(previous.plan))}`);
    if (previous.repairs.length) parts.push(`# Already fixed automatically\n${previous.repairs.map((r) => `- ${r.message}`).join("\n")}`);
    const errors = previous.issues.filter((i) => i.severity === "error");
    parts.push(`# Problems to fix\n${errors.map(describeIssue).join("\n")}`);
    parts.push("Answer with the whole corrected plan in the same format.");
  } else {
    parts.push(`# Your previous answer could not be used\n${previous.error ?? "It was not a plan."}${previous.raw ? `\nIt began: ${clip(previous.raw, 400)}` : ""}\nAnswer with the plan as one JSON object in the format described.`);
  }
  return { system: base.system, prompt: parts.join("\n\n") };
}

function describeIssue(issue: ValidationIssue): string {
  const where = [issue.stepId && `step ${issue.stepId}`, issue.input && `input ${issue.input}`, issue.output && `output ${issue.output}`].filter(Boolean).join(", ");
  let line = `- [${issue.code}]${where ? ` ${where}:` : ""} ${issue.message}`;
  if (issue.hint) line += ` ${issue.hint}`;
  if (issue.candidates?.length) line += ` Candidates: ${issue.candidates.map((c) => c.label ?? c.value).join(", ")}.`;
  return line;
}

/** One action: id, title, description, typed inputs, output. */
export function describeAction(spec: ActionSpec): string {
  const props = isObject(spec.input.properties) ? spec.input.properties : {};
  const required = new Set(Array.isArray(spec.input.required) ? (spec.input.required as string[]) : []);
  const inputs = Object.entries(props).map(([name, s]) => {
    const d = isObject(s) && typeof s.description === "string" ? ` — ${clip(s.description, 110)}` : "";
    return `  - ${name}${required.has(name) ? "*" : ""}: ${schemaText(s)}${d}`;
  });
  return [`## ${spec.id} — ${spec.title}`, clip(spec.description, 420), inputs.length ? `inputs:\n${inputs.join("\n")}` : "inputs: none", `output: ${schemaText(spec.output)}`].join("\n");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
