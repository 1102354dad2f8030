import { pageActor } from "@/lib/server/auth/page-access";
import { redactSecrets } from "@/lib/server/connections/redaction";
import Link from "next/link";
import { listTemplates, llmConfigured } from "@/lib/server/templates";
import { TemplateCard } from "@/components/templates/template-card";
import { EmptyState } from "@/components/ui/empty-state";
import styles from "@/components/templates/templates.module.css";

export const dynamic = "force-dynamic";
export const metadata = { title: "Templates" };

export default async function TemplatesPage() {
  await pageActor("/templates");
  const [list, llm] = await Promise.all([listTemplates(), llmConfigured()]);
  const { templates } = redactSecrets(list);
  const builtin = templates.filter((t) => t.source === "builtin");
  const saved = templates.filter((t) => t.source === "saved");
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <div className="eyebrow"><Link href="/">Plans</Link></div>
          <h1>Templates</h1>
          <p className="muted" style={{ marginTop: 6 }}>
            Ready-made plans with typed parameters. Fill them in to create a plan you can review, edit and run. Parameters marked
            &ldquo;plan input&rdquo; can still be changed each time the plan runs.
          </p>
        </div>
      </div>
      <section className={styles.grid} data-testid="templates-builtin" aria-label="Built-in templates">
        {builtin.map((t) => <TemplateCard key={t.id} template={t} llmConfigured={llm} />)}
      </section>
      <section className="stack" data-testid="templates-saved">
        <h2>Saved templates</h2>
        {saved.length === 0 ? (
          <div className="card">
            <EmptyState title="No saved templates yet" testId="templates-saved-empty">
              Save any plan as a template with <code>POST /api/templates</code> or <code>trellis templates save</code>; it then appears here.
            </EmptyState>
          </div>
        ) : (
          <div className={styles.grid}>{saved.map((t) => <TemplateCard key={t.id} template={t} llmConfigured={llm} />)}</div>
        )}
      </section>
    </div>
  );
}
