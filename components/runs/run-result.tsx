"use client";
/** The run's typed result, shown first when its plan declares one: the value, or the paths that did not fit. */
import { runResultOf } from "@/lib/core/run-result";
import type { Plan } from "@/lib/core/plan";
import type { RunView } from "@/lib/core/run-view";
import { ValueView } from "./value-view";

export function RunResultCard({ plan, view }: { plan: Plan; view: RunView }) {
  const result = runResultOf(plan, view);
  if (!result) return null;
  const label = { valid: "fits its schema", invalid: "does not fit its schema", pending: "not produced yet", none: "not produced" }[result.status];
  return (
    <section className={`card result-card${result.status === "invalid" ? " invalid" : ""}`} data-testid="run-result" data-result-status={result.status}>
      <div className="card-header">
        <h2>Result</h2>
        <span className="subtle">{result.description ? `${result.description} · ` : ""}{label}</span>
      </div>
      <div className="card-body stack">
        {result.errors?.length ? (
          <ul className="notice danger" data-testid="run-result-errors" style={{ margin: 0 }}>
            {result.errors.map((e) => <li key={`${e.path}:${e.message}`}><span className="mono">{e.path}</span>: {e.message}</li>)}
          </ul>
        ) : null}
        {result.value ? <ValueView value={result.value} /> : null}
      </div>
    </section>
  );
}
