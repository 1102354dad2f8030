import { pageActor } from "@/lib/server/auth/page-access";
import { redactSecrets } from "@/lib/server/connections/redaction";
import Link from "next/link";
import { homeOverview } from "@/lib/server/plans";
import { PlanList } from "@/components/plans/plan-list";
import { EmptyState } from "@/components/ui/empty-state";
import { GoalForm } from "@/components/planning/goal-form";
import { TemplateStrip } from "@/components/templates/template-strip";
import { listTemplates } from "@/lib/server/templates";

export const dynamic = "force-dynamic";

export default async function HomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await pageActor("/");
  const mayEdit = actor.permissions.includes("edit");
  const sp = await searchParams;
  const showArchived = sp.archived === "include";
  const [{ plans, archivedCount, llm, database, catalog }, { templates }] = redactSecrets(await Promise.all([homeOverview({ archived: showArchived ? "include" : "exclude" }), listTemplates()]));
  return (
    <div className="stack">
      <section className="hero">
        <div>
          <h1>Trellis</h1>
          <p className="lede">
            Turn a goal into a typed plan of steps, check every connection before anything runs, edit it as a graph,
            and run it with each step&apos;s progress live.
          </p>
          <ol>
            <li>Describe what you want done; a planner proposes steps over a catalog of typed actions.</li>
            <li>Trellis validates the plan: types, references, cycles and missing inputs.</li>
            <li>Review and edit it, then run it: independent steps in parallel, with retries and approvals.</li>
          </ol>
        </div>
        <div className="card" data-testid="status-card">
          <div className="card-header"><h2>This workspace</h2></div>
          <div className="status-list">
            <div className="status-item">
              <span className="label">Planner</span>
              <span className="value" data-testid="llm-status">
                {llm.configured ? (
                  <>
                    <span className="row"><span className="dot ok" /> LLM provider configured</span>
                    <span className="subtle">Model {llm.model} via {llm.provider}</span>
                  </>
                ) : (
                  <>
                    <span className="row"><span className="dot warning" /> Offline planner</span>
                    <span className="subtle">No LLM provider configured. Set OPENAI_API_KEY or OPENAI_BASE_URL to plan with an LLM.</span>
                  </>
                )}
              </span>
            </div>
            <div className="status-item">
              <span className="label">Database</span>
              <span className="value">
                <span>{database.kind === "pglite" ? "Embedded (PGlite)" : "PostgreSQL"}</span>
                <span className="subtle">{database.kind === "pglite" ? "Stored in the data folder; set DATABASE_URL for PostgreSQL." : "Connected through DATABASE_URL."}</span>
              </span>
            </div>
            <div className="status-item">
              <span className="label">Catalog</span>
              <span className="value">
                <span>{catalog.actions} actions in {catalog.flows.length} flows</span>
                <span className="subtle"><Link href="/catalog">Browse the catalog</Link></span>
              </span>
            </div>
          </div>
        </div>
      </section>

      {mayEdit ? <GoalForm flows={catalog.flows} planner={llm} /> : null}
      {mayEdit ? <TemplateStrip templates={templates} /> : null}

      <section className="card" id="plans" data-testid="plans">
        <div className="card-header">
          <h2>Plans</h2>
          <div className="row" style={{ gap: 12 }}>
            {showArchived ? (
              <Link href="/" className="subtle" data-testid="hide-archived">Hide archived</Link>
            ) : archivedCount ? (
              <Link href="/?archived=include" className="subtle" data-testid="show-archived">Show archived ({archivedCount})</Link>
            ) : null}
            {mayEdit ? <Link className="button" href="/plans/new">Import a plan</Link> : null}
          </div>
        </div>
        {sp.deleted ? <p className="notice" role="status" data-testid="plan-deleted">The plan was deleted.</p> : null}
        {plans.length === 0 ? (
          <EmptyState title="No plans yet" testId="plans-empty">
            Plans you create or import are stored here with every version, so you can come back, edit and run them.
          </EmptyState>
        ) : (
          <PlanList plans={plans} />
        )}
      </section>
    </div>
  );
}
