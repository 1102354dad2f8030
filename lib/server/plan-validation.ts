/** A plan checked as it is saved: the validator, plus cycles between saved plans used as actions. */
import { validatePlan, type Plan, type ValidationResult } from "../core";
import type { ValidateOptions } from "../core/validate-plan";
import type { Trellis } from "./trellis";

export function validateSavedPlan(t: Trellis, plan: Plan, planId: string | undefined, options: ValidateOptions = {}): ValidationResult {
  const result = validatePlan(plan, t.catalog, options);
  const cycles = t.plans.cycleIssues(plan, planId);
  return cycles.length ? { ...result, issues: [...result.issues, ...cycles], valid: false } : result;
}
