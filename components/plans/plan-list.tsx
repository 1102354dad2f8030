import Link from "next/link";
import type { PlanSummary } from "@/lib/store/plans";
import type { RunStatus } from "@/lib/core/events";
import type { RunOutcome } from "@/lib/core/run-state";
import { StatusBadge } from "@/components/runs/status";
import { TimeAgo } from "@/components/ui/time-ago";

type Row = PlanSummary & { latestRun: { id: string; status: RunStatus; outcome?: RunOutcome | null; createdAt: Date } | null };

export function PlanList({ plans }: { plans: Row[] }) {
  return (
    <table className="table" data-testid="plan-list">
      <thead>
        <tr>
          <th>Plan</th>
          <th>Steps</th>
          <th>Flows</th>
          <th>Status</th>
          <th>Latest run</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {plans.map((p) => (
          <tr key={p.id} data-testid="plan-row">
            <td>
              <Link className="title" href={`/plans/${p.id}`}>{p.title}</Link>
              {p.archivedAt ? <> <span className="badge" data-testid="plan-archived">Archived</span></> : null}
              <div className="goal" title={p.goal}>{p.goal || "No goal written"}</div>
            </td>
            <td>{p.stepCount}</td>
            <td><span className="row wrap">{p.flows.length ? p.flows.map((f) => <span key={f} className="badge">{f}</span>) : <span className="subtle">any</span>}</span></td>
            <td>{p.valid && !p.partial ? <span className="badge ok">Ready</span> : <span className="badge warning" title={p.partial ? "Some parts of the goal are not covered" : "It has errors to fix"}>{p.partial && p.valid ? "Partial" : "Draft"}</span>}</td>
            <td>{p.latestRun ? <Link href={`/runs/${p.latestRun.id}`} className="row" style={{ gap: 6 }}><StatusBadge status={p.latestRun.status} outcome={p.latestRun.outcome} /> <span className="subtle"><TimeAgo date={p.latestRun.createdAt} /></span></Link> : <span className="subtle">never run</span>}</td>
            <td className="subtle"><TimeAgo date={p.updatedAt} /> · v{p.versionCount}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
