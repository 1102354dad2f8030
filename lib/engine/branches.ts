/**
 * What a step's ended dependencies mean for it, the same for the run executor (its state in
 * memory) and queue mode (advance.ts, step-job.ts: the run as stored): when a step may run,
 * which dependency blocks it, the step whose end caused a chain of skips, and the skip event of
 * a blocked step. A merge (firstOf) waits for its branches to end, not for each to produce a
 * value; whether it then runs is the gate's (step-gate.ts).
 *
 * Skips caused by a condition (the step's own, or one upstream) are the plan taking a branch,
 * not a partial run (run-state.ts): `SkipFacts` keeps which skips those were and the cause each
 * skip named, folded from the run's `step.skipped` events, which alone say it (rows do not).
 */
import type { RunEvent, StepStatus } from "../core";
import type { NewEvent } from "./run-store";
import type { PlanShape } from "./plan-shape";

export const TERMINAL: ReadonlySet<StepStatus> = new Set(["succeeded", "failed", "skipped", "cancelled"]);

/** A run's steps as one reader sees them. */
export interface StepView {
  readonly shape: Pick<PlanShape, "deps" | "mergeOnly">;
  status(id: string): StepStatus | undefined;
  /** an output its dependents can use: a success, a fallback, a dry run's preview */
  hasOutput(id: string): boolean;
}

/** What the run's skip events said: the cause each named, and which a condition caused. */
export class SkipFacts {
  readonly cause = new Map<string, string>();
  readonly byCondition = new Set<string>();

  note(e: RunEvent | NewEvent): void {
    if (e.type !== "step.skipped" || !e.stepId) return;
    if (e.data.cause !== undefined) this.cause.set(e.stepId, e.data.cause);
    if (e.data.condition || e.data.byCondition) this.byCondition.add(e.stepId);
  }

  static of(events: Iterable<RunEvent | NewEvent>): SkipFacts {
    const facts = new SkipFacts();
    for (const e of events) facts.note(e);
    return facts;
  }

  /** From a run's stored skip events: each skipped step's last one (a re-plan may have run a step again since an earlier skip). */
  static ofStored(events: Iterable<RunEvent>, status: (id: string) => StepStatus | undefined): SkipFacts {
    const last = new Map<string, RunEvent>();
    for (const e of events) if (e.type === "step.skipped" && e.stepId) last.set(e.stepId, e);
    const facts = new SkipFacts();
    for (const [id, e] of last) if (status(id) === "skipped") facts.note(e);
    return facts;
  }
}

/** Whether dependency `d` of step `id` lets it go on: it has an output, or it is a merge's branch that ended. */
export function dependencyMet(v: StepView, id: string, d: string): boolean {
  return v.hasOutput(d) || (v.shape.mergeOnly.get(id)!.has(d) && TERMINAL.has(v.status(d) ?? "pending"));
}

/** Every dependency of the step lets it go on. */
export function dependenciesMet(v: StepView, id: string): boolean {
  for (const d of v.shape.deps.get(id)!) if (!dependencyMet(v, id, d)) return false;
  return true;
}

/** The first dependency (not a merge's branch) that ended without an output, if any. */
export function blockedBy(v: StepView, id: string): string | undefined {
  const mergeOnly = v.shape.mergeOnly.get(id)!;
  for (const d of v.shape.deps.get(id)!) {
    if (mergeOnly.has(d)) continue;
    const s = v.status(d);
    if (s !== undefined && TERMINAL.has(s) && !v.hasOutput(d)) return d;
  }
  return undefined;
}

/** Up the skipped steps to the one whose end skipped them; a skip that named its cause says it at once. */
export function rootCause(v: StepView, facts: SkipFacts, id: string, steps: number): string {
  for (let at = id, hops = 0; hops <= steps; hops++) {
    if (v.status(at) !== "skipped") return at;
    const named = facts.cause.get(at);
    if (named !== undefined) return named;
    const up = blockedBy(v, at);
    if (!up || up === at) return at;
    at = up;
  }
  return id;
}

/**
 * The skip of a step that `blocked` left without an input: its root cause, and whether a
 * condition caused it. What a dry run cannot check is what it was asked for, not a failure
 * upstream: no cause (`previewedOnly`).
 */
export function blockedSkipData(v: StepView, facts: SkipFacts, blocked: string, steps: number, previewedOnly = false): Extract<NewEvent, { type: "step.skipped" }>["data"] {
  if (previewedOnly) return { reason: `dry run: "${blocked}" has an output only when it really runs` };
  const root = rootCause(v, facts, blocked, steps);
  const byCondition = facts.byCondition.has(root);
  return { reason: `"${blocked}" did not produce an output${byCondition ? " (its condition was false)" : ""}`, cause: root, ...(byCondition ? { byCondition: true } : {}) };
}

/** The step that made `id` end without an output, and whether a condition did (the gate's merges ask it). */
export function rootOf(v: StepView, facts: SkipFacts, id: string, steps: number): { root: string; byCondition: boolean } {
  const root = rootCause(v, facts, id, steps);
  return { root, byCondition: facts.byCondition.has(root) };
}
