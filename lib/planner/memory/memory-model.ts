/**
 * What Trellis learns from a memory list, built once per list (the server hands the same array
 * until memory changes) and catalog (its actions and their versions), and cached by them.
 */
import type { ActionSpec } from "../../core/action";
import { ActionEvidence } from "./action-evidence";
import type { RememberedPlan } from "./remembered-plan";

const cache = new WeakMap<readonly RememberedPlan[], Map<string, ActionEvidence>>();

export function actionEvidence(plans: readonly RememberedPlan[], specs: readonly ActionSpec[]): ActionEvidence {
  let byCatalog = cache.get(plans);
  if (!byCatalog) cache.set(plans, (byCatalog = new Map()));
  const key = specs.map((s) => `${s.id}@${s.version}`).join("\n");
  let model = byCatalog.get(key);
  if (!model) {
    // One model per catalog in use; a list planned against many catalogs keeps only the latest few.
    if (byCatalog.size >= 4) byCatalog.delete(byCatalog.keys().next().value!);
    byCatalog.set(key, (model = new ActionEvidence(plans, specs)));
  }
  return model;
}
