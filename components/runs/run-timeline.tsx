/** A Gantt chart of the steps: when each one started and how long it took. */
import type { Plan } from "@/lib/core/plan";
import { topologicalOrder } from "@/lib/core/graph";
import type { RunView } from "@/lib/core/run-view";
import { formatDuration, statusLabel } from "./status";

export function RunTimeline({ plan, view, now, onSelect }: { plan: Plan; view: RunView; now: number; onSelect(id: string): void }) {
  const order = topologicalOrder(plan.steps).order;
  const starts = order.map((id) => view.steps[id]?.startedAt).filter((x): x is string => Boolean(x)).map(Date.parse);
  if (!starts.length) return <div className="card-body subtle" data-testid="timeline-empty">No step has started yet.</div>;
  const t0 = view.startedAt ? Math.min(Date.parse(view.startedAt), ...starts) : Math.min(...starts);
  const end = view.finishedAt ? Date.parse(view.finishedAt) : now;
  const span = Math.max(1, end - t0);
  return (
    <div className="timeline" data-testid="timeline">
      {order.map((id) => {
        const s = view.steps[id];
        if (!s?.startedAt) {
          return (
            <div key={id} className="timeline-row">
              <button className="timeline-label" onClick={() => onSelect(id)}>{id}</button>
              <div className="timeline-track"><span className="subtle timeline-note">{s ? statusLabel(s.status) : "pending"}</span></div>
            </div>
          );
        }
        const a = Date.parse(s.startedAt);
        const b = s.finishedAt ? Date.parse(s.finishedAt) : now;
        const left = ((a - t0) / span) * 100;
        const width = Math.max(0.6, ((b - a) / span) * 100);
        return (
          <div key={id} className="timeline-row">
            <button className="timeline-label" onClick={() => onSelect(id)} title={id}>{id}</button>
            <div className="timeline-track">
              <div className={`timeline-bar bar-${s.status}`} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} title={`${statusLabel(s.status)} · ${formatDuration(b - a)}`} />
              {left + width > 85 ? (
                <span className="timeline-time inside" style={{ right: `calc(${Math.max(0, 100 - left - width)}% + 6px)` }}>{formatDuration(b - a)}</span>
              ) : (
                <span className="timeline-time" style={{ left: `calc(${left + width}% + 6px)` }}>{formatDuration(b - a)}</span>
              )}
            </div>
          </div>
        );
      })}
      <div className="timeline-axis"><span>0</span><span>{formatDuration(span)}</span></div>
    </div>
  );
}
