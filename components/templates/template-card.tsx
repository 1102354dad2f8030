import type { TemplateInfo } from "@/lib/templates/template";
import { paramBinding } from "@/lib/templates/template";
import { TypeChip } from "@/components/ui/type-chip";
import { UseTemplateForm } from "./use-template-form";
import styles from "./templates.module.css";

/** One template: what it does, what it needs, its parameters, and the form that uses it. */
export function TemplateCard({ template: t, llmConfigured = true }: { template: TemplateInfo; llmConfigured?: boolean }) {
  return (
    <article className={`card ${styles.card}`} id={t.id} data-testid="template-card" data-template={t.id}>
      <div className={styles.head}>
        <div>
          <h3>{t.name}</h3>
          <div className="subtle mono">{t.id}</div>
        </div>
        <div className={styles.badges}>
          {t.usesLlm ? <span className="badge info" title="Some step calls the configured LLM provider">LLM</span> : null}
          {t.needsApproval ? <span className="badge warning" title="A person approves a step before it runs">approval</span> : null}
          {t.writes ? <span className="badge warning" title="Some step writes files or calls out">writes</span> : null}
          {t.source === "saved" ? <span className="badge">saved</span> : null}
        </div>
      </div>
      {t.description ? <p className={styles.desc}>{t.description}</p> : null}
      {t.usesLlm && !llmConfigured ? (
        <p className="subtle" data-testid="template-needs-llm">
          Needs an LLM provider, and none is configured: its plans are refused when they run until one is (set <code>OPENAI_API_KEY</code>).
        </p>
      ) : null}
      <div className={styles.chain} aria-label="Actions">{t.actions.join(" → ")}</div>
      <ul className={styles.params} aria-label="Parameters">
        {t.params.map((p) => (
          <li key={p.name}>
            <span className="mono">{p.name}</span> <TypeChip schema={p.schema} />{" "}
            <span className="subtle">{paramBinding(p) === "literal" ? "fills the plan" : "plan input"}</span>
          </li>
        ))}
      </ul>
      <UseTemplateForm template={t} />
    </article>
  );
}
