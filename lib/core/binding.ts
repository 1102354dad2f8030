/**
 * Bindings: where a step input (or a plan output, or a condition's operand) takes its value.
 * A literal, a plan input, a step output (optionally a path into it), a for-each step's current
 * item, or a merge of branches
 * (`firstOf`: the first binding in the list that produced a value).
 */
import { z } from "zod";

export const PathSegment = z.union([z.string(), z.number().int().min(0)]);
export type PathSegment = z.infer<typeof PathSegment>;

/** The most branches one `firstOf` may merge. */
export const MAX_FIRST_OF = 16;

export const LiteralBinding = z.object({ kind: z.literal("literal"), value: z.unknown() });
export const InputBinding = z.object({ kind: z.literal("input"), name: z.string().min(1) });
export const StepBinding = z.object({
  kind: z.literal("step"),
  step: z.string().min(1),
  /** a path into the step's output; empty or absent means the whole output */
  path: z.array(PathSegment).optional(),
});
/**
 * The current item of a for-each step (lib/core/for-each.ts), optionally a path into it: valid
 * only in the inputs and the condition of a step that has `forEach`.
 */
export const ItemBinding = z.object({
  kind: z.literal("item"),
  path: z.array(PathSegment).optional(),
});
/** One value: what a `firstOf` lists and a condition compares. */
export const SingleBinding = z.discriminatedUnion("kind", [LiteralBinding, InputBinding, StepBinding, ItemBinding]);
export type SingleBinding = z.infer<typeof SingleBinding>;
/**
 * A merge of branches: the first binding that produced a value wins. A step output produced
 * no value when its step was skipped (or failed without a fallback), or when the path is absent.
 */
export const FirstOfBinding = z.object({ kind: z.literal("firstOf"), of: z.array(SingleBinding).min(1).max(MAX_FIRST_OF) });
export const Binding = z.discriminatedUnion("kind", [LiteralBinding, InputBinding, StepBinding, ItemBinding, FirstOfBinding]);
export type Binding = z.infer<typeof Binding>;
export type LiteralBinding = z.infer<typeof LiteralBinding>;
export type InputBinding = z.infer<typeof InputBinding>;
export type StepBinding = z.infer<typeof StepBinding>;
export type FirstOfBinding = z.infer<typeof FirstOfBinding>;
export type ItemBinding = z.infer<typeof ItemBinding>;
