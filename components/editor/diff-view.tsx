"use client";
/** A plan diff: steps added, removed and changed field by field; inputs, outputs, goal and flows. */
import { bindingLabel } from "@/lib/core/binding-text";
import type { PlanDiff } from "@/lib/core/plan-diff";
import { summarizeDiff } from "@/lib/core/plan-diff";
import styles from "./dialogs.module.css";

function Change({ before, after }: { before?: string; after?: string }) {
  return (
    <span className={styles.change}>
      {before !== undefined ? <del>{before}</del> : <span className={styles.none}>unset</span>}
      <span className={styles.arrow}>→</span>
      {after !== undefined ? <ins>{after}</ins> : <span className={styles.none}>unset</span>}
    </span>
  );
}

export function DiffView({ diff, testId = "diff-view" }: { diff: PlanDiff; testId?: string }) {
  if (diff.same) return <p className={styles.muted} data-testid={testId}>No changes.</p>;
  const inputs = diff.inputs;
  const outputs = diff.outputs;
  return (
    <div className={styles.diff} data-testid={testId}>
      <p className={styles.diffSummary} data-testid="diff-summary">{summarizeDiff(diff)}</p>
      {diff.steps.added.map((s) => (
        <div key={`a-${s.id}`} className={`${styles.diffItem} ${styles.added}`} data-testid="diff-added">
          <span className={styles.sign}>+</span><b>{s.id}</b> <code>{s.action}</code>
          {Object.keys(s.inputs).length ? (
            <ul className={styles.inputsList}>
              {Object.entries(s.inputs).map(([k, b]) => <li key={k} title={bindingLabel(b)}>{k} = {bindingLabel(b)}</li>)}
            </ul>
          ) : <span className={styles.muted}> no inputs set</span>}
        </div>
      ))}
      {diff.steps.removed.map((s) => (
        <div key={`r-${s.id}`} className={`${styles.diffItem} ${styles.removed}`} data-testid="diff-removed">
          <span className={styles.sign}>−</span><b>{s.id}</b> <code>{s.action}</code>
        </div>
      ))}
      {diff.steps.changed.map((c) => (
        <div key={`c-${c.id}`} className={`${styles.diffItem} ${styles.changed}`} data-testid="diff-changed">
          <span className={styles.sign}>~</span><b>{c.id}</b> <code>{c.action}</code>
          <ul>
            {c.changes.map((f) => <li key={f.field}><span className={styles.fieldName}>{f.field}</span><Change before={f.before} after={f.after} /></li>)}
          </ul>
        </div>
      ))}
      {inputs.added.length + inputs.removed.length + inputs.changed.length ? (
        <div className={`${styles.diffItem} ${styles.changed}`}>
          <span className={styles.sign}>~</span><b>Plan inputs</b>
          <ul>
            {inputs.added.map((i) => <li key={`a${i.name}`}><span className={styles.fieldName}>{i.name}</span><ins>added</ins></li>)}
            {inputs.removed.map((i) => <li key={`r${i.name}`}><span className={styles.fieldName}>{i.name}</span><del>removed</del></li>)}
            {inputs.changed.map((i) => <li key={`c${i.name}`}><span className={styles.fieldName}>{i.name}</span><Change before={i.before} after={i.after} /></li>)}
          </ul>
        </div>
      ) : null}
      {outputs.added.length + outputs.removed.length + outputs.changed.length ? (
        <div className={`${styles.diffItem} ${styles.changed}`}>
          <span className={styles.sign}>~</span><b>Plan outputs</b>
          <ul>
            {[...outputs.added, ...outputs.removed, ...outputs.changed].map((o) => <li key={o.name}><span className={styles.fieldName}>{o.name}</span><Change before={o.before} after={o.after} /></li>)}
          </ul>
        </div>
      ) : null}
      {diff.goal ? <div className={`${styles.diffItem} ${styles.changed}`}><span className={styles.sign}>~</span><b>Goal</b><ul><li><Change before={diff.goal.before} after={diff.goal.after} /></li></ul></div> : null}
      {diff.flows ? <div className={`${styles.diffItem} ${styles.changed}`}><span className={styles.sign}>~</span><b>Flows</b><ul><li><Change before={diff.flows.before.join(", ")} after={diff.flows.after.join(", ")} /></li></ul></div> : null}
    </div>
  );
}
