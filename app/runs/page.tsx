import { pageActor } from "@/lib/server/auth/page-access";
import { redactSecrets } from "@/lib/server/connections/redaction";
import Link from "next/link";
import { RunListQuery } from "@/lib/contract/runs";
import { runList } from "@/lib/server/runs";
import { homeOverview } from "@/lib/server/plans";
import { RunStatus } from "@/lib/core/events";
import { RunOutcome } from "@/lib/core/run-state";
import { progressText } from "@/lib/core/run-view";
import { EmptyState } from "@/components/ui/empty-state";
import { DryRunBadge } from "@/components/runs/dry-run";
import { StatusBadge, formatDuration } from "@/components/runs/status";
import { TimeAgo } from "@/components/ui/time-ago";

export const dynamic = "force-dynamic";

const OUTCOME_OPTION: Record<RunOutcome, string> = { clean: "succeeded cleanly", with_rejections: "succeeded with rejections", partial: "succeeded in part" };
export const metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await pageActor("/runs");
  const sp = await searchParams;
  const raw = Object.fromEntries(Object.entries(sp).filter(([, v]) => v));
  const parsed = RunListQuery.safeParse(raw);
  const query = parsed.success ? parsed.data : RunListQuery.parse({});
  // Archived plans and their runs are left out unless asked for, or unless the filter names one.
  const archived = query.archived ?? (query.planId ? "include" : "exclude");
  const [{ runs }, { plans }] = redactSecrets(await Promise.all([runList({ ...query, archived }), homeOverview({ archived: archived === "exclude" ? "exclude" : "include" })]));
  const filtered = Boolean(query.status || query.outcome || query.planId || query.since || query.archived);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <div className="eyebrow">Runs</div>
          <h1>Run history</h1>
        </div>
      </div>
      <form className="card card-body row wrap filters" method="get" data-testid="run-filters">
        <label className="field"><span>Status</span>
          <select name="status" defaultValue={query.status ?? ""}>
            <option value="">Any status</option>
            {RunStatus.options.map((s) => <option key={s} value={s}>{s.replace("_", " ")}</option>)}
          </select>
        </label>
        <label className="field"><span>Outcome</span>
          <select name="outcome" defaultValue={query.outcome ?? ""} data-testid="outcome-filter">
            <option value="">Any outcome</option>
            {RunOutcome.options.map((o) => <option key={o} value={o}>{OUTCOME_OPTION[o]}</option>)}
          </select>
        </label>
        <label className="field"><span>Plan</span>
          <select name="planId" defaultValue={query.planId ?? ""}>
            <option value="">Any plan</option>
            {plans.map((p) => <option key={p.id} value={p.id}>{p.title}{p.archivedAt ? " (archived)" : ""}</option>)}
          </select>
        </label>
        <label className="field"><span>Since</span>
          <input type="date" name="since" defaultValue={query.since ? query.since.toISOString().slice(0, 10) : ""} />
        </label>
        <label className="row" style={{ gap: 6 }}>
          <input type="checkbox" name="archived" value="include" defaultChecked={archived !== "exclude"} data-testid="include-archived" />
          <span>Archived plans</span>
        </label>
        <button className="button" type="submit">Filter</button>
        {filtered ? <Link href="/runs" className="subtle">Clear</Link> : null}
      </form>
      <section className="card">
        {runs.length === 0 ? (
          <EmptyState title={filtered ? "No run matches these filters" : "No runs yet"} testId="runs-empty">
            {filtered ? "Change or clear the filters." : "Open a plan and run it; every run and each step's progress is recorded here."}
          </EmptyState>
        ) : (
          <table className="table" data-testid="run-list">
            <thead><tr><th>Run</th><th>Plan</th><th>Status</th><th>Started</th><th>Duration</th><th>Steps</th></tr></thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-testid="run-row">
                  <td><Link className="title mono" href={`/runs/${r.id}`}>{r.id.slice(0, 8)}</Link>{r.retryOfId ? <div className="subtle">retry</div> : null}</td>
                  <td><Link href={`/plans/${r.planId}`}>{r.planTitle}</Link> <span className="subtle">v{r.versionNumber}</span></td>
                  <td><StatusBadge status={r.status} outcome={r.outcome} />{r.options.dryRun ? <> <DryRunBadge testId="run-row-dry-run" /></> : null}</td>
                  <td className="subtle"><TimeAgo date={r.createdAt} /></td>
                  <td>{r.durationMs !== null ? formatDuration(r.durationMs) : <span className="subtle">—</span>}</td>
                  <td data-testid="run-row-steps">{progressText(r.steps)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
