/**
 * Deterministic repair: no LLM call. Validate, fix the first kind of error present (in an
 * order where earlier fixes make later ones possible: ids, reference styles, action names,
 * references, cycles, order edges, plan inputs, input names, literals, types, missing
 * inputs, outputs, and lossy step removal last), validate again, and repeat until the plan is
 * valid or nothing more can be fixed. Every change is recorded.
 */
import type { CatalogView } from "../../core/catalog";
import type { ValidationIssue } from "../../core/issues";
import type { Plan } from "../../core/plan";
import { validatePlan } from "../../core/validate-plan";
import { sinkOutputs } from "../sink-outputs";
import { repairActionNames } from "./action-names";
import { RepairContext, type Repair, type RepairOptions } from "./context";
import { repairCycles } from "./cycles";
import { dropUnknownSteps } from "./drop-steps";
import { repairLiterals } from "./literals";
import { repairMissingRequired } from "./missing-required";
import { repairOrderEdges } from "./order-edges";
import { repairOutputs } from "./outputs";
import { repairPlanInputs } from "./plan-inputs";
import { repairReferenceStyles } from "./reference-styles";
import { repairReferences } from "./references";
import { repairStepIds } from "./step-ids";
import { repairTypeMismatches } from "./type-mismatch";
import { repairUnknownInputs } from "./unknown-inputs";

export { Repair, RepairKind, type RepairOptions } from "./context";

export interface RepairResult {
  plan: Plan;
  repairs: Repair[];
  issues: ValidationIssue[];
  valid: boolean;
}

type Fix = (ctx: RepairContext, issues: readonly ValidationIssue[]) => boolean;

/** In order; each pass applies the first that changes something, then validates again. */
const FIXES: Fix[] = [
  (ctx) => repairStepIds(ctx),
  repairActionNames,
  repairReferences,
  repairCycles,
  repairOrderEdges,
  repairPlanInputs,
  repairUnknownInputs,
  repairLiterals,
  repairTypeMismatches,
  repairMissingRequired,
  repairOutputs,
  dropUnknownSteps,
];

const MAX_PASSES = 40;

export function repairPlan(input: Plan, catalog: CatalogView, options: RepairOptions = {}): RepairResult {
  const plan = structuredClone(input);
  const ctx = new RepairContext(plan, catalog, { lossy: options.lossy ?? true, planInputs: options.planInputs ?? true, maxSteps: options.maxSteps ?? 2000 });
  repairStepIds(ctx);
  repairReferenceStyles(ctx);
  let result = validatePlan(ctx.plan, catalog, { maxSteps: options.maxSteps });
  for (let pass = 0; pass < MAX_PASSES && !result.valid; pass++) {
    const errors = result.issues.filter((i) => i.severity === "error");
    let changed = false;
    for (const fix of FIXES) {
      if (fix(ctx, errors)) {
        changed = true;
        break;
      }
    }
    if (!changed) break;
    result = validatePlan(ctx.plan, catalog, { maxSteps: options.maxSteps });
  }
  if (Object.keys(ctx.plan.outputs).length === 0 && ctx.plan.steps.length) {
    ctx.plan.outputs = sinkOutputs(ctx.plan.steps);
    result = validatePlan(ctx.plan, catalog, { maxSteps: options.maxSteps });
  }
  return { plan: ctx.plan, repairs: ctx.repairs, issues: result.issues, valid: result.valid };
}
