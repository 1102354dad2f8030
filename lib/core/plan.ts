/**
 * The plan IR: what a planner proposes, the editor edits, a version freezes and a run executes.
 */
import { z } from "zod";
import { JsonSchema } from "./json-schema";
import { RetryPolicy } from "./action";
import { Binding } from "./binding";
import { Condition, conditionOperands } from "./condition";
import { ForEach } from "./for-each";

export const STEP_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const StepId = z.string().regex(STEP_ID_PATTERN, "a step id starts with a letter or _ and holds letters, digits, _ or -");

export { PathSegment, LiteralBinding, InputBinding, StepBinding, ItemBinding, SingleBinding, FirstOfBinding, Binding, MAX_FIRST_OF } from "./binding";
export const OnError = z.enum(["fail", "continue"]);
export type OnError = z.infer<typeof OnError>;

export const Step = z.object({
  id: StepId,
  action: z.string().min(1),
  inputs: z.record(z.string(), Binding),
  /** order-only dependencies */
  after: z.array(z.string()).optional(),
  label: z.string().optional(),
  approval: z.boolean().optional(),
  retry: RetryPolicy.optional(),
  timeoutMs: z.number().int().positive().max(24 * 3_600_000).optional(),
  /** `continue` uses `fallback` as the step's output when it fails */
  onError: OnError.optional(),
  fallback: z.unknown().optional(),
  /** run only when this holds; otherwise the step is skipped ("condition false"), and so is what needs its output */
  when: Condition.optional(),
  /** run the action once per item of a list (for-each.ts); `${item}` reads the current one */
  forEach: ForEach.optional(),
});
export type Step = z.infer<typeof Step>;

export const PlanInputName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "a plan input name is an identifier");

export const PlanInput = z.object({
  name: PlanInputName,
  schema: JsonSchema,
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

export const ResultDeclaration = z.object({
  schema: JsonSchema,
  description: z.string().max(2000).optional(),
});
export type ResultDeclaration = z.infer<typeof ResultDeclaration>;

export const Plan = z.object({
  goal: z.string(),
  flows: z.array(z.string()),
  inputs: z.array(PlanInput),
  steps: z.array(Step),
  /** named results of the plan, each bound to a step output (or a plan input or literal) */
  outputs: z.record(z.string(), Binding),
  /** the JSON Schema the run's outputs (as one object) must fit when it ends; a run whose outputs do not fit fails (result_invalid) */
  result: ResultDeclaration.optional(),
});
export type Plan = z.infer<typeof Plan>;

export function emptyPlan(goal = "", flows: string[] = []): Plan {
  return { goal, flows, inputs: [], steps: [], outputs: {} };
}

/** Steps a step depends on, by data binding or order, in order of first mention. */
export function dependenciesOf(step: Step): string[] {
  const deps = new Set<string>(dataDependenciesOf(step));
  for (const a of step.after ?? []) deps.add(a);
  if (step.when) for (const o of conditionOperands(step.when)) if (o.kind === "step") deps.add(o.step);
  return [...deps];
}

/** Steps a step reads an output of (a `firstOf` branch included), in order of first mention. */
export function dataDependenciesOf(step: Step): string[] {
  const deps = new Set<string>();
  if (step.forEach) for (const s of stepsOfBinding(step.forEach.items)) deps.add(s);
  for (const b of Object.values(step.inputs)) for (const s of stepsOfBinding(b)) deps.add(s);
  return [...deps];
}

/** The steps a binding reads: one, or each branch of a `firstOf`. */
export function stepsOfBinding(b: Binding): string[] {
  if (b.kind === "step") return [b.step];
  if (b.kind === "firstOf") return b.of.flatMap((m) => (m.kind === "step" ? [m.step] : []));
  return [];
}

/**
 * The steps a step may do without: those it reads only as a `firstOf` branch. It waits for them
 * to end, and runs when one branch of each merge produced a value.
 */
export function mergeOnlyDependenciesOf(step: Step): Set<string> {
  const hard = new Set<string>(step.after ?? []);
  if (step.forEach?.items.kind === "step") hard.add(step.forEach.items.step);
  for (const b of Object.values(step.inputs)) if (b.kind === "step") hard.add(b.step);
  if (step.when) for (const o of conditionOperands(step.when)) if (o.kind === "step") hard.add(o.step);
  const soft = new Set<string>();
  for (const b of Object.values(step.inputs)) if (b.kind === "firstOf") for (const m of b.of) if (m.kind === "step" && !hard.has(m.step)) soft.add(m.step);
  return soft;
}

/** Whether a step reads a plan input: through an input, a branch of a merge, or its condition. */
export function readsPlanInputs(step: Step): boolean {
  const reads = (b: Binding): boolean => b.kind === "input" || (b.kind === "firstOf" && b.of.some(reads));
  return Object.values(step.inputs).some(reads) || (step.when !== undefined && conditionOperands(step.when).some(reads)) || step.forEach?.items.kind === "input";
}
