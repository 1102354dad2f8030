"use client";
import { itemsText, type ItemView } from "@/lib/core/for-each";
import { StatusBadge, formatDuration } from "./status";

/** The items of a for-each step: one row each (status, attempts, error, duration), the finished ones first to last. */
export function StepItems({ items, count }: { items: readonly ItemView[]; count?: number }) {
  return (
    <section data-testid="step-items">
      <h3>Items</h3>
      <div className="subtle" data-testid="step-items-summary">{itemsText(items, count)}</div>
      {items.length ? (
        <table className="items-table">
          <thead><tr><th>#</th><th>Status</th><th>Attempts</th><th>Duration</th><th>Error</th></tr></thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.index} data-testid="item-row" data-index={i.index} data-status={i.status}>
                <td className="mono">{i.index}</td>
                <td><StatusBadge status={i.status} /></td>
                <td>{i.reusedFromRunId ? "reused" : i.attempts}</td>
                <td>{i.ms !== undefined ? formatDuration(i.ms) : ""}</td>
                <td>{i.failure ? <span title={i.failure.code}>{i.failure.message}</span> : i.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
