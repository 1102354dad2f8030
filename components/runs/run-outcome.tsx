"use client";
/**
 * How a run went, beyond its status: the progress counted by how each step ended, and a
 * banner for the steps a person rejected. Both read the run reducer's state (lib/core), as
 * the runs list and the CLI do, so they say the same.
 */
import type { Plan } from "@/lib/core/plan";
import type { RunOutcome } from "@/lib/core/run-state";
import { progressText, rejections, type RunView, type StepCounts } from "@/lib/core/run-view";

/** "5 of 7 steps done · 2 skipped" and a bar with a segment for each way a step ended. */
export function RunProgress({ counts }: { counts: StepCounts }) {
  return <span data-testid="run-progress" data-done={counts.done} data-failed={counts.failed} data-skipped={counts.skipped} data-cancelled={counts.cancelled}>{progressText(counts)}</span>;
}

export function ProgressBar({ counts, active }: { counts: StepCounts; active: boolean }) {
  const pct = (n: number) => `${counts.total ? (n / counts.total) * 100 : 0}%`;
  return (
    <div className="progress-bar segmented" aria-label="progress" role="img" title={progressText(counts)}>
      <span style={{ width: pct(counts.done) }} className={active ? "seg-running" : "seg-done"} />
      <span style={{ width: pct(counts.failed) }} className="seg-failed" />
      <span style={{ width: pct(counts.skipped) }} className="seg-skipped" />
      <span style={{ width: pct(counts.cancelled) }} className="seg-cancelled" />
    </div>
  );
}

/** Who rejected which step and why, and what the run did without it. */
export function RejectionBanner({ view, plan, outcome, onSelect }: { view: RunView; plan: Plan; outcome: RunOutcome | null; onSelect(stepId: string): void }) {
  const rejected = rejections(view.steps);
  if (!rejected.length) return null;
  const label = (id: string) => plan.steps.find((s) => s.id === id)?.label;
  const skippedBecause = (id: string) => Object.entries(view.steps).filter(([other, s]) => other !== id && s.status === "skipped" && s.cause === id).map(([other]) => other);
  return (
    <div className="notice warning run-rejections" role="status" data-testid="run-rejections">
      <strong>{outcome === "with_rejections" ? "The run succeeded without what a person rejected." : rejected.length === 1 ? "A person rejected a step." : "A person rejected steps."}</strong>
      <ul>
        {rejected.map((r) => {
          const skipped = skippedBecause(r.stepId);
          return (
            <li key={r.stepId} data-testid="run-rejection" data-step={r.stepId}>
              <button className="linkish" onClick={() => onSelect(r.stepId)}>{r.stepId}</button>
              {label(r.stepId) ? <span className="subtle">· {label(r.stepId)} ·</span> : null} was rejected
              {r.by ? <> by <strong data-testid="rejected-by">{r.by}</strong></> : <span className="subtle"> (no name was given)</span>}
              {r.comment ? <>: <q data-testid="rejection-comment">{r.comment}</q></> : null}
              {skipped.length ? <span className="subtle">. Skipped because of it: {skipped.join(", ")}</span> : null}.
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** A partial run's note: the steps that ended without their own output. */
export function PartialNotice({ view, onSelect }: { view: RunView; onSelect(stepId: string): void }) {
  const fallbacks = Object.entries(view.steps).filter(([, s]) => s.status === "failed" && s.usedFallback).map(([id]) => id);
  const skipped = Object.entries(view.steps).filter(([, s]) => s.status === "skipped" && s.cause).map(([id]) => id);
  return (
    <div className="notice warning" role="status" data-testid="run-partial">
      <strong>The run succeeded in part.</strong>{" "}
      {fallbacks.length ? <>Failed and went on with a fallback: {fallbacks.map((id) => <button key={id} className="linkish" onClick={() => onSelect(id)}>{id}</button>)}. </> : null}
      {skipped.length ? <>Skipped because a step upstream had no output: {skipped.map((id) => <button key={id} className="linkish" onClick={() => onSelect(id)}>{id}</button>)}.</> : null}
    </div>
  );
}
