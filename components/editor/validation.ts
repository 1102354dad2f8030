/**
 * Live validation: the same `validatePlan` the server runs, once per plan object. Every
 * panel that needs the issues derives them through here, so an edit validates once.
 */
import type { Catalog } from "@/lib/core/catalog";
import type { Plan } from "@/lib/core/plan";
import { validatePlan, type ValidationResult } from "@/lib/core/validate-plan";
import { contentHash } from "@/lib/core/hash";

const results = new WeakMap<Plan, ValidationResult>();
const hashes = new WeakMap<Plan, string>();

export function validationOf(plan: Plan, catalog: Catalog): ValidationResult {
  let r = results.get(plan);
  if (!r) {
    r = validatePlan(plan, catalog);
    results.set(plan, r);
  }
  return r;
}

/** The plan's content hash, as the server computes it for a version. */
export function hashOf(plan: Plan): string {
  let h = hashes.get(plan);
  if (!h) {
    h = contentHash(plan);
    hashes.set(plan, h);
  }
  return h;
}
