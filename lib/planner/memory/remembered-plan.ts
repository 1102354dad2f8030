/**
 * What plan memory holds and what a planning answer says about it. A remembered plan is a plan
 * that worked (a saved version that ran to a clean success, or a template) with the goal it was
 * made for. Its id names where it comes from: `version:<id>` or `template:<id>`.
 */
import { z } from "zod";
import { Plan } from "../../core/plan";

export const MemoryOrigin = z.enum(["run", "template"]);
export type MemoryOrigin = z.infer<typeof MemoryOrigin>;

export const MEMORY_ID_PATTERN = /^(version|template):[A-Za-z0-9_.-]{1,128}$/;
export const MemoryId = z.string().regex(MEMORY_ID_PATTERN, "a remembered plan's id is version:<id> or template:<id>");

export const RememberedPlan = z.object({
  id: MemoryId,
  goal: z.string(),
  plan: Plan,
  origin: MemoryOrigin,
  /** the plan and version it was saved as, for a plan that ran */
  planId: z.string().optional(),
  versionId: z.string().optional(),
  /** the account it belongs to, once Trellis has accounts; null: the whole workspace */
  accountId: z.string().nullable().optional(),
});
export type RememberedPlan = z.infer<typeof RememberedPlan>;

/** What names a remembered plan wherever it is shown: its goal, where it came from, the plan it is. */
export const MemoryName = z.object({
  id: MemoryId,
  goal: z.string(),
  origin: MemoryOrigin,
  planId: z.string().optional(),
  versionId: z.string().optional(),
});

/** A remembered plan as a planning answer names it. */
export const MemoryRef = MemoryName.extend({
  /** lexical similarity of its goal to the planned goal, 0..1 */
  similarity: z.number().min(0).max(1),
});
export type MemoryRef = z.infer<typeof MemoryRef>;

/**
 * How memory took part in planning: the plan adapted (offline), the actions chosen (offline), or
 * the examples shown (LLM).
 */
export const MemoryUse = z.object({
  /** the remembered plan this plan was adapted from */
  startedFrom: MemoryRef.optional(),
  /**
   * remembered plans whose requests chose actions of this plan where the catalog's words alone
   * would have chosen others (the nearest few that used those actions)
   */
  informedBy: z.array(MemoryRef).optional(),
  /**
   * what memory chose: "<action> for \"<part of the goal>\" (instead of <action>)", or "no step
   * for \"<sentence>\", which sets the scene (instead of <action>)"
   */
  chose: z.array(z.string()).optional(),
  /** remembered plans shown to the LLM as examples */
  examples: z.array(MemoryRef).optional(),
  /** what adapting changed: literals rebound, values turned into plan inputs */
  changes: z.array(z.string()).optional(),
});
export type MemoryUse = z.infer<typeof MemoryUse>;

export function memoryRef(p: RememberedPlan, similarity: number): MemoryRef {
  return {
    id: p.id,
    goal: p.goal,
    origin: p.origin,
    ...(p.planId ? { planId: p.planId } : {}),
    ...(p.versionId ? { versionId: p.versionId } : {}),
    similarity: Math.round(Math.min(1, Math.max(0, similarity)) * 1000) / 1000,
  };
}
