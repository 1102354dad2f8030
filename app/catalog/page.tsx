import { pageActor } from "@/lib/server/auth/page-access";
import { redactSecrets } from "@/lib/server/connections/redaction";
import { catalogByFlow, catalogSources } from "@/lib/server/catalog";
import { ActionCard } from "@/components/catalog/action-card";
import { SourceList } from "@/components/catalog/source-list";
import { EmptyState } from "@/components/ui/empty-state";

export const dynamic = "force-dynamic";
export const metadata = { title: "Catalog" };

export default async function CatalogPage() {
  await pageActor("/catalog");
  const [groups, sources] = redactSecrets(await Promise.all([catalogByFlow(), catalogSources()]));
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <div className="eyebrow">Catalog</div>
          <h1>Actions</h1>
          <p className="muted" style={{ marginTop: 6 }}>Every step of a plan runs one of these actions. Inputs and outputs are typed; Trellis checks each connection against them.</p>
        </div>
      </div>
      <SourceList sources={sources} />
      {groups.length === 0 ? (
        <div className="card"><EmptyState title="No actions registered">Register actions to make them available to plans.</EmptyState></div>
      ) : (
        groups.map((g) => (
          <section key={g.flow} className="flow-section" data-testid={`flow-${g.flow}`}>
            <h2>{g.flow} <span className="subtle">· {g.actions.length} actions</span></h2>
            <div className="action-grid">
              {g.actions.map((a) => <ActionCard key={`${g.flow}:${a.id}`} action={a} />)}
            </div>
          </section>
        ))
      )}
    </div>
  );
}
