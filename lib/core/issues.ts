/** Validation issues: what is wrong with a plan, where, and what would fix it. */
import { z } from "zod";

export const IssueCode = z.enum([
  "invalid_plan",
  "empty_plan",
  "too_many_steps",
  "invalid_step_id",
  "duplicate_step_id",
  "unknown_action",
  "action_unavailable",
  "action_not_in_flow",
  "unknown_step_ref",
  "self_reference",
  "cycle",
  "missing_required_input",
  "unknown_input",
  "type_mismatch",
  "invalid_path",
  "invalid_literal",
  "missing_plan_input",
  "unused_plan_input",
  "duplicate_plan_input",
  "invalid_plan_input_default",
  "unknown_after_ref",
  "redundant_after",
  "unknown_output_ref",
  "invalid_step_setting",
  "unused_step_output",
  "invalid_condition",
  "invalid_result",
  "invalid_for_each",
  "for_each_not_list",
  "item_outside_for_each",
  "replan_changed_finished_step",
  "replan_changed_inputs",
  "replan_unchanged",
]);
export type IssueCode = z.infer<typeof IssueCode>;

export const Severity = z.enum(["error", "warning", "info"]);
export type Severity = z.infer<typeof Severity>;

export const Candidate = z.object({
  /** what the candidate is: an action id, a step id (with path), or a plan input */
  kind: z.enum(["action", "step", "input"]),
  value: z.string(),
  /** a binding text or reason to show */
  label: z.string().optional(),
  score: z.number().optional(),
});
export type Candidate = z.infer<typeof Candidate>;

export const ValidationIssue = z.object({
  code: IssueCode,
  severity: Severity,
  stepId: z.string().optional(),
  input: z.string().optional(),
  /** for plan-level outputs */
  output: z.string().optional(),
  /** the issue is in the step's condition (`when`) */
  when: z.boolean().optional(),
  message: z.string(),
  hint: z.string().optional(),
  candidates: z.array(Candidate).optional(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

export function countByCode(issues: readonly ValidationIssue[], severity: Severity | "all" = "error"): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of issues) if (severity === "all" || i.severity === severity) out[i.code] = (out[i.code] ?? 0) + 1;
  return out;
}
