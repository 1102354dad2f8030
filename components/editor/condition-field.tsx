"use client";
/**
 * A step's condition (`when`), written in its text form and checked as it is typed: what does
 * not parse is said at once (and the plan keeps its last good condition); what parses is
 * applied, and the validator's issues on it (types of both sides, unknown references) show
 * under the field.
 */
import { useState } from "react";
import { parseCondition, printCondition } from "@/lib/core/condition-text";
import type { ValidationIssue } from "@/lib/core/issues";
import type { Step } from "@/lib/core/plan";
import { updateStep } from "@/lib/core/plan-edits";
import { useActions } from "./store-context";
import styles from "./forms.module.css";

export function ConditionField({ step, issues }: { step: Step; issues: readonly ValidationIssue[] }) {
  const { apply } = useActions();
  const printed = step.when ? printCondition(step.when) : "";
  // the text being typed, while it differs from the plan's condition
  const [draft, setDraft] = useState<{ text: string; over: string; stepId: string } | null>(null);
  const text = draft && draft.over === printed && draft.stepId === step.id ? draft.text : printed;
  const parsed = text.trim() ? parseCondition(text) : null;
  const onChange = (next: string) => {
    setDraft({ text: next, over: printed, stepId: step.id });
    if (!next.trim()) {
      if (step.when) apply(`Remove the condition of ${step.id}`, (p) => updateStep(p, step.id, { when: undefined }), { key: `when:${step.id}` });
      return;
    }
    const r = parseCondition(next);
    if (r.ok) {
      apply(`Condition of ${step.id}`, (p) => updateStep(p, step.id, { when: r.condition }), { key: `when:${step.id}` });
      setDraft({ text: next, over: printCondition(r.condition), stepId: step.id });
    }
  };
  return (
    <div className={styles.field} data-testid="condition-field">
      <label htmlFor="step-when">Run only when</label>
      <textarea
        id="step-when"
        rows={2}
        className={`${styles.control} ${styles.mono}`}
        value={text}
        placeholder={'${steps.classify.output.label} == "sql"'}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        style={{ height: "auto", minHeight: 52, resize: "vertical" }}
        data-testid="condition-input"
      />
      <div className={styles.help}>
        Compare references and values with ==, !=, &lt;, &lt;=, &gt;, &gt;=, in [..], exists; combine with and, or, not and parentheses. When it is false the step is skipped, and so are the steps that need its output (unless they merge branches with firstOf).
      </div>
      {parsed && !parsed.ok ? (
        <div className={styles.fieldError} data-testid="condition-error">{parsed.error}{parsed.at !== undefined ? ` (at character ${parsed.at + 1})` : ""}</div>
      ) : null}
      {issues.map((i, k) => (
        <div key={k} className={i.severity === "error" ? styles.fieldError : styles.fieldWarning} data-testid="condition-issue">{i.message}{i.hint ? ` ${i.hint}` : ""}</div>
      ))}
    </div>
  );
}
