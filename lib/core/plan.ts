/**
 * The plan IR: what a planner proposes, the editor edits, a version freezes and a run executes.
 */
import { z } from "zod";
import { JsonSchema } from "./json-schema";
import { RetryPolicy } from "./action";

export const STEP_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const StepId = z.string().regex(STEP_ID_PATTERN, "a step id starts with a letter or _ and holds letters, digits, _ or -");

export const PathSegment = z.union([z.string(), z.number().int().min(0)]);
export type PathSegment = z.infer<typeof PathSegment>;

export const LiteralBinding = z.object({ kind: z.literal("literal"), value: z.unknown() });
export const InputBinding = z.object({ kind: z.literal("input"), name: z.string().min(1) });
export const StepBinding = z.object({
  kind: z.literal("step"),
  step: z.string().min(1),
  /** a path into the step's output; empty or absent means the whole output */
  path: z.array(PathSegment).optional(),
});
export const Binding = z.discriminatedUnion("kind", [LiteralBinding, InputBinding, StepBinding]);
export type Binding = z.infer<typeof Binding>;
export type LiteralBinding = z.infer<typeof LiteralBinding>;
export type InputBinding = z.infer<typeof InputBinding>;
export type StepBinding = z.infer<typeof StepBinding>;

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

export const Plan = z.object({
  goal: z.string(),
  flows: z.array(z.string()),
  inputs: z.array(PlanInput),
  steps: z.array(Step),
  /** named results of the plan, each bound to a step output (or a plan input or literal) */
  outputs: z.record(z.string(), Binding),
});
export type Plan = z.infer<typeof Plan>;

export function emptyPlan(goal = "", flows: string[] = []): Plan {
  return { goal, flows, inputs: [], steps: [], outputs: {} };
}

/** Steps a step depends on, by data binding or order, in order of first mention. */
export function dependenciesOf(step: Step): string[] {
  const deps = new Set<string>();
  for (const b of Object.values(step.inputs)) if (b.kind === "step") deps.add(b.step);
  for (const a of step.after ?? []) deps.add(a);
  return [...deps];
}

export function dataDependenciesOf(step: Step): string[] {
  const deps = new Set<string>();
  for (const b of Object.values(step.inputs)) if (b.kind === "step") deps.add(b.step);
  return [...deps];
}
