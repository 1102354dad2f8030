import Link from "next/link";
import { notFound } from "next/navigation";
import { parsePlanId, planView } from "@/lib/server/plans";
import { RequestError } from "@/lib/server/errors";
import { PlanLayers } from "@/components/plans/plan-layers";
import { IssueList } from "@/components/plans/issue-list";
import { TimeAgo } from "@/components/ui/time-ago";

export const dynamic = "force-dynamic";

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  let view;
  try {
    view = await planView(parsePlanId(id));
  } catch (err) {
    if (err instanceof RequestError && (err.status === 404 || err.status === 400)) notFound();
    throw err;
  }
  const { plan, issues, valid, versions, catalog } = view;
  const errors = issues.filter((i) => i.severity === "error").length;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <div className="eyebrow"><Link href="/">Plans</Link> / v{plan.latest.number}</div>
          <h1 data-testid="plan-title">{plan.title}</h1>
          <p className="muted" style={{ marginTop: 6 }}>{plan.latest.plan.goal}</p>
        </div>
        <div className="row">
          {valid ? <span className="badge ok" data-testid="plan-valid">Valid</span> : <span className="badge danger" data-testid="plan-invalid">{errors} error{errors === 1 ? "" : "s"}</span>}
          <span className="badge">{plan.latest.plan.steps.length} steps</span>
        </div>
      </div>

      <section className="card">
        <div className="card-header"><h2>Steps</h2><span className="subtle">Steps in the same stage can run in parallel.</span></div>
        <PlanLayers plan={plan.latest.plan} catalog={catalog} issues={issues} />
      </section>

      <section className="card">
        <div className="card-header"><h2>Validation</h2></div>
        {issues.length ? <IssueList issues={issues} /> : <div className="card-body muted" data-testid="no-issues">No issues: every step, type and reference checks out.</div>}
      </section>

      <section className="card">
        <div className="card-header"><h2>Versions</h2></div>
        <table className="table">
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>v{v.number}</td>
                <td>{v.note ?? <span className="subtle">no note</span>}</td>
                <td><span className="badge">{v.source}</span></td>
                <td className="subtle mono">{v.hash.slice(0, 12)}</td>
                <td className="subtle"><TimeAgo date={v.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <div className="card-header"><h2>Plan JSON</h2></div>
        <div className="card-body"><pre className="json" data-testid="plan-json">{JSON.stringify(plan.latest.plan, null, 2)}</pre></div>
      </section>
    </div>
  );
}
