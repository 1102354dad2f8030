import Link from "next/link";
import type { TemplateInfo } from "@/lib/templates/template";

/** The templates as a row of links on the goal page: a plan to start from instead of a goal. */
export function TemplateStrip({ templates }: { templates: TemplateInfo[] }) {
  if (!templates.length) return null;
  return (
    <section className="card" data-testid="template-strip">
      <div className="card-header">
        <h2>Or start from a template</h2>
        <Link href="/templates" className="subtle">All templates</Link>
      </div>
      <div className="template-strip">
        {templates.slice(0, 6).map((t) => (
          <Link key={t.id} href={`/templates#${t.id}`} className="template-chip" title={t.description}>
            <span className="template-chip-name">{t.name}</span>
            <span className="subtle">{t.description.length > 90 ? `${t.description.slice(0, 87)}…` : t.description}</span>
          </Link>
        ))}
      </div>
    </section>
  );
}
