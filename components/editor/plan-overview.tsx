"use client";
/** With no step selected, the inspector shows the plan itself: its goal, flows and named outputs. */
import { useState } from "react";
import { bindingLabel, printBinding } from "@/lib/core/binding-text";
import { isObject } from "@/lib/core/json-schema";
import { setPlanOutput } from "@/lib/core/plan-edits";
import { Icon } from "./icons";
import { useActions, useEditor } from "./store-context";
import { validationOf } from "./validation";
import styles from "./forms.module.css";

export function PlanOverview() {
  const { apply } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const { issues } = validationOf(plan, catalog);
  const [outName, setOutName] = useState("");
  const [outSource, setOutSource] = useState("");
  const flows = catalog.flows();
  const sources = plan.steps.flatMap((s) => {
    const spec = catalog.get(s.action);
    const fields = spec && isObject(spec.output.properties) ? Object.keys(spec.output.properties) : [];
    return [{ text: `\${steps.${s.id}.output}`, label: `${s.id} → output` }, ...fields.map((f) => ({ text: `\${steps.${s.id}.output.${f}}`, label: `${s.id} → ${f}` }))];
  });
  const errors = issues.filter((i) => i.severity === "error").length;
  const outputIssues = issues.filter((i) => i.output);

  const addOutput = () => {
    const name = outName.trim();
    const src = sources.find((s) => s.text === outSource);
    if (!name || !src) return;
    const [, step, field] = /^\$\{steps\.([^.}]+)\.output(?:\.([^}]+))?\}$/.exec(src.text) ?? [];
    if (!step) return;
    if (apply(`Add plan output ${name}`, (p) => setPlanOutput(p, name, field ? { kind: "step", step, path: [field] } : { kind: "step", step }))) {
      setOutName("");
      setOutSource("");
    }
  };

  return (
    <div className={styles.panel} data-testid="plan-overview">
      <div className={styles.panelHeader}>
        <div className={styles.headerText}>
          <div className={styles.eyebrow}>Plan</div>
          <h2 className={styles.panelTitle}>{plan.steps.length} step{plan.steps.length === 1 ? "" : "s"}, {plan.inputs.length} input{plan.inputs.length === 1 ? "" : "s"}</h2>
          <p className={styles.help}>{errors ? `${errors} error${errors === 1 ? "" : "s"} to fix before it can run.` : "Every step, type and reference checks out."} Select a step to edit it.</p>
        </div>
      </div>
      <div className={styles.section}>
        <div className={styles.field}>
          <label htmlFor="plan-goal">Goal</label>
          <textarea id="plan-goal" className={`${styles.control} ${styles.text}`} rows={3} value={plan.goal} onChange={(e) => apply("Edit the goal", (p) => ({ ...p, goal: e.target.value }), { key: "goal" })} />
        </div>
        <div className={styles.field}>
          <label>Flows</label>
          <div className={styles.chips}>
            {plan.flows.map((f) => (
              <span key={f} className={styles.chip}>
                {f}
                <button type="button" title={`Remove the flow ${f}`} onClick={() => apply(`Remove flow ${f}`, (p) => ({ ...p, flows: p.flows.filter((x) => x !== f) }))}><Icon name="close" size={10} /></button>
              </span>
            ))}
            <select className={`${styles.control} ${styles.inlineSelect}`} value="" onChange={(e) => e.target.value && apply(`Add flow ${e.target.value}`, (p) => ({ ...p, flows: [...p.flows, e.target.value] }))}>
              <option value="">{plan.flows.length ? "Add…" : "Any action. Limit to…"}</option>
              {flows.filter((f) => !plan.flows.includes(f)).map((f) => <option key={f} value={f}>{f}</option>)}
            </select>
          </div>
          <p className={styles.help}>Steps may only use actions of these flows, plus global ones.</p>
        </div>
      </div>
      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>Outputs</h3>
        {Object.keys(plan.outputs).length === 0 ? <p className={styles.help}>No named results yet: a run then shows every step&apos;s output.</p> : null}
        <ul className={styles.outputs}>
          {Object.entries(plan.outputs).map(([name, b]) => (
            <li key={name}>
              <span className={styles.inputName}>{name}</span>
              <code title={String(printBinding(b))}>{bindingLabel(b)}</code>
              <button type="button" className={styles.iconButton} title={`Remove the output ${name}`} onClick={() => apply(`Remove plan output ${name}`, (p) => setPlanOutput(p, name, undefined))}><Icon name="close" size={12} /></button>
            </li>
          ))}
        </ul>
        {outputIssues.map((i, k) => <div key={k} className={styles.fieldError}>{i.message}</div>)}
        <div className={styles.addRow}>
          <input type="text" className={styles.control} placeholder="name" value={outName} onChange={(e) => setOutName(e.target.value)} aria-label="Output name" />
          <select className={styles.control} value={outSource} onChange={(e) => setOutSource(e.target.value)} aria-label="Output source">
            <option value="">from…</option>
            {sources.map((s) => <option key={s.text} value={s.text}>{s.label}</option>)}
          </select>
          <button type="button" className="button" disabled={!outName.trim() || !outSource} onClick={addOutput}>Add</button>
        </div>
      </div>
      <div className={styles.section}>
        <details className={styles.details}>
          <summary>Plan JSON</summary>
          <pre className={styles.json} data-testid="plan-json">{JSON.stringify(plan, null, 2)}</pre>
        </details>
      </div>
    </div>
  );
}
