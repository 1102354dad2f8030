/**
 * What a plan covers of its goal: the goal cut into the parts it asks for, each with the steps
 * that do it, or with why nothing does. One schema for the planners' answers, the stored
 * planning record, the REST answer, the CLI and the editor's goal view.
 */
import { z } from "zod";

/** Why no step covers a part: no action fits; it needs an LLM and none is configured; the goal leaves out a value it needs. */
export const UncoveredReason = z.enum(["no_action", "needs_llm", "needs_value"]);
export type UncoveredReason = z.infer<typeof UncoveredReason>;

export const GoalPart = z.object({
  /** the part as the goal words it */
  text: z.string().min(1).max(4000),
  /** where it is in the goal (characters), when it is found there */
  start: z.number().int().min(0).optional(),
  end: z.number().int().min(0).optional(),
  /** ids of the steps that do this part; empty when nothing does */
  steps: z.array(z.string()),
  /** set when no step covers the part */
  uncovered: z
    .object({
      reason: UncoveredReason,
      /** what is missing, in a sentence */
      message: z.string(),
      /** actions that would do it (with an LLM) or that come closest */
      actions: z.array(z.string()).optional(),
    })
    .optional(),
});
export type GoalPart = z.infer<typeof GoalPart>;

export const Coverage = z.object({
  parts: z.array(GoalPart),
});
export type Coverage = z.infer<typeof Coverage>;

/** Whether every part of the goal is done by some step (vacuously, when no parts are known). */
export function fullyCovered(coverage: Coverage): boolean {
  return coverage.parts.every((p) => !p.uncovered && p.steps.length > 0);
}

/** The parts no step covers. */
export function uncoveredParts(coverage: Coverage): GoalPart[] {
  return coverage.parts.filter((p) => p.uncovered || p.steps.length === 0);
}

/**
 * Coverage after the plan changed (an edit in the editor, a repair): steps that no longer
 * exist are dropped, and a part left with none is uncovered.
 */
export function coverageForSteps(coverage: Coverage, stepIds: ReadonlySet<string>): Coverage {
  return {
    parts: coverage.parts.map((p) => {
      const steps = p.steps.filter((s) => stepIds.has(s));
      if (steps.length || p.uncovered) return { ...p, steps };
      return { ...p, steps, uncovered: { reason: "no_action" as const, message: "The steps that did this part were removed." } };
    }),
  };
}

/** Where each part is in the goal: its own offsets when they still match, else the first place its text appears. */
export function locateParts(goal: string, parts: readonly GoalPart[]): { part: GoalPart; start: number; end: number }[] {
  const out: { part: GoalPart; start: number; end: number }[] = [];
  const lower = goal.toLowerCase();
  for (const part of parts) {
    if (part.start !== undefined && part.end !== undefined && goal.slice(part.start, part.end) === part.text) {
      out.push({ part, start: part.start, end: part.end });
      continue;
    }
    const at = lower.indexOf(part.text.toLowerCase().trim());
    if (at >= 0) out.push({ part, start: at, end: at + part.text.trim().length });
  }
  return out.sort((a, b) => a.start - b.start).filter((x, i, all) => i === 0 || x.start >= all[i - 1].end);
}
