"use client";
/** Which branches a run took and why: each step with a condition, whether it ran, and the values its condition read. */
import { printCondition } from "@/lib/core/condition-text";
import type { Plan } from "@/lib/core/plan";
import type { RunView } from "@/lib/core/run-view";
import { StatusBadge } from "./status";

export function RunBranches({ plan, view, onSelect }: { plan: Plan; view: RunView; onSelect(id: string): void }) {
  const guarded = plan.steps.filter((s) => s.when);
  if (!guarded.length) return null;
  return (
    <section className="card" data-testid="run-branches">
      <div className="card-header"><h2>Branches</h2></div>
      <div className="card-body">
        <ul className="branch-list">
          {guarded.map((s) => {
            const v = view.steps[s.id];
            const status = v?.status ?? "pending";
            const why = status === "skipped" ? v?.skipReason : status === "succeeded" || status === "running" || status === "failed" ? (v?.failure?.code === "condition_error" ? v.failure.message : "condition held") : "not decided yet";
            return (
              <li key={s.id} data-testid={`branch-${s.id}`}>
                <button className="linkish mono" onClick={() => onSelect(s.id)}>{s.id}</button>
                <StatusBadge status={status} />
                <span className="branch-when">when {printCondition(s.when!)}</span>
                <span className="subtle">— {why}</span>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
