/**
 * Where planning meets memory: the remembered plans nearest a goal that the catalog in use can
 * still run (every action known), and the offline planner's choice between the nearest one,
 * adapted, and the plan it made from scratch. The adapted plan is kept only when its goal is
 * close enough and it passes the same validation (after the same non-lossy repair) as any plan.
 */
import type { CatalogView } from "../../core/catalog";
import type { Plan } from "../../core/plan";
import { repairPlan } from "../repair/repair-plan";
import { adaptPlan } from "./adapt-plan";
import { goalIndex, type Recalled } from "./goal-index";
import { memoryRef, type MemoryRef, type RememberedPlan } from "./remembered-plan";

/**
 * How similar (cosine of TF-IDF goal vectors) a remembered goal must be for the offline planner
 * to start from its plan: at this level most of the weight of the two goals is shared words.
 */
export const ADAPT_SIMILARITY = 0.6;
/** remembered plans shown to the LLM */
export const EXAMPLES = 3;
/** below this a remembered plan is not shown to the LLM as an example either */
export const EXAMPLE_SIMILARITY = 0.2;

export function recall(goal: string, memory: readonly RememberedPlan[], catalog: CatalogView, k: number, min = 0): Recalled[] {
  if (!memory.length) return [];
  const runnable = (p: RememberedPlan) => p.plan.steps.length > 0 && p.plan.steps.every((s) => catalog.get(s.action) !== undefined);
  return goalIndex(memory).nearest(goal, k, runnable).filter((r) => r.similarity >= min);
}

export interface StartedFromMemory {
  plan: Plan;
  from: MemoryRef;
  changes: string[];
}

export interface StartOptions {
  /** the plan made from scratch for the same goal (its reading of the goal's values is reused) */
  scratch: Plan;
  flows: string[];
  maxSteps?: number;
  /** override ADAPT_SIMILARITY */
  threshold?: number;
}

/** The nearest remembered plan adapted to the goal, when one is close enough and still valid; else undefined. */
export function startFromMemory(goal: string, memory: readonly RememberedPlan[], catalog: CatalogView, options: StartOptions): StartedFromMemory | undefined {
  const [best] = recall(goal, memory, catalog, 1, options.threshold ?? ADAPT_SIMILARITY);
  if (!best) return undefined;
  const adapted = adaptPlan(best.remembered, goal, catalog, { scratch: options.scratch, flows: options.flows });
  if (options.maxSteps !== undefined && adapted.plan.steps.length > options.maxSteps) return undefined;
  const checked = repairPlan(adapted.plan, catalog, { lossy: false, planInputs: true, maxSteps: options.maxSteps });
  if (!checked.valid) return undefined;
  return { plan: checked.plan, from: memoryRef(best.remembered, best.similarity), changes: [...adapted.changes, ...checked.repairs.map((r) => r.message)] };
}
