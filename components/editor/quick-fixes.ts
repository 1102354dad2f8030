/**
 * One-click fixes from the validator's candidates: bind the input the issue names to a
 * suggested output or plan input, repoint a reference, or switch to a suggested action.
 */
import { parseBindingText } from "@/lib/core/binding-text";
import type { Candidate, ValidationIssue } from "@/lib/core/issues";
import type { Plan } from "@/lib/core/plan";
import { setBinding, updateStep } from "@/lib/core/plan-edits";

export interface QuickFix {
  label: string;
  edit(plan: Plan): Plan;
}

export function quickFixes(issue: ValidationIssue, plan: Plan): QuickFix[] {
  const stepId = issue.stepId;
  if (!stepId || !issue.candidates?.length) return [];
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) return [];
  return issue.candidates.slice(0, 3).flatMap((c): QuickFix[] => fix(issue, c, stepId, plan));
}

function fix(issue: ValidationIssue, c: Candidate, stepId: string, plan: Plan): QuickFix[] {
  if (c.kind === "action" && issue.code === "unknown_action") {
    return [{ label: `Use ${c.value}`, edit: (p) => updateStep(p, stepId, { action: c.value }) }];
  }
  if (!issue.input) return [];
  const input = issue.input;
  if (c.label) {
    const parsed = parseBindingText(c.label);
    if (!parsed.ok || parsed.binding.kind === "literal") return [];
    const b = parsed.binding;
    return [{ label: `Use ${c.label}`, edit: (p) => setBinding(p, stepId, input, b) }];
  }
  const current = plan.steps.find((s) => s.id === stepId)?.inputs[input];
  if (c.kind === "step" && current?.kind === "step" && issue.code === "unknown_step_ref") {
    return [{ label: `Read from ${c.value}`, edit: (p) => setBinding(p, stepId, input, { ...current, step: c.value }) }];
  }
  return [];
}
