"use client";
/**
 * A step's "For each" setting: the list it runs for (a reference in text form, such as
 * `${steps.lines.output.parts}`) and how many items run at once. What does not parse is said
 * at once (the plan keeps its last good list); the validator's issues on it show under it.
 */
import { useState } from "react";
import { parseBindingText, printBinding } from "@/lib/core/binding-text";
import { DEFAULT_FOR_EACH_CONCURRENCY, MAX_FOR_EACH_CONCURRENCY, MAX_FOR_EACH_ITEMS } from "@/lib/core/for-each";
import type { ValidationIssue } from "@/lib/core/issues";
import type { Step } from "@/lib/core/plan";
import { updateStep } from "@/lib/core/plan-edits";
import { NumberInput } from "./literal-field";
import { useActions } from "./store-context";
import styles from "./forms.module.css";

export function ForEachField({ step, issues }: { step: Step; issues: readonly ValidationIssue[] }) {
  const { apply } = useActions();
  const printed = step.forEach ? String(printBinding(step.forEach.items)) : "";
  const [draft, setDraft] = useState<{ text: string; over: string; stepId: string } | null>(null);
  const text = draft && draft.over === printed && draft.stepId === step.id ? draft.text : printed;
  const parsed = text.trim() ? parseBindingText(text.trim()) : null;
  const problem = parsed && (!parsed.ok ? parsed.error : parsed.binding.kind === "literal" || parsed.binding.kind === "firstOf" || parsed.binding.kind === "item" ? "Write a reference to a list, such as ${steps.lines.output.parts} or ${inputs.rows}." : null);
  const onChange = (next: string) => {
    setDraft({ text: next, over: printed, stepId: step.id });
    if (!next.trim()) {
      if (step.forEach) apply(`${step.id} runs once`, (p) => updateStep(p, step.id, { forEach: undefined }), { key: `forEach:${step.id}` });
      return;
    }
    const r = parseBindingText(next.trim());
    if (r.ok && (r.binding.kind === "input" || r.binding.kind === "step")) {
      const items = r.binding;
      apply(`${step.id} runs for each item`, (p) => updateStep(p, step.id, { forEach: { ...step.forEach, items } }), { key: `forEach:${step.id}` });
      setDraft({ text: next, over: String(printBinding(items)), stepId: step.id });
    }
  };
  return (
    <div className={styles.field} data-testid="for-each-field">
      <label htmlFor="step-for-each">For each item of</label>
      <input id="step-for-each" type="text" className={`${styles.control} ${styles.mono}`} value={text} placeholder="${steps.lines.output.parts}" onChange={(e) => onChange(e.target.value)} spellCheck={false} data-testid="for-each-input" />
      {step.forEach ? (
        <>
          <label htmlFor="step-for-each-concurrency">At once</label>
          <NumberInput id="step-for-each-concurrency" integer min={1} max={MAX_FOR_EACH_CONCURRENCY} value={step.forEach.concurrency} placeholder={`${DEFAULT_FOR_EACH_CONCURRENCY} (default)`}
            onChange={(n) => step.forEach && apply(`Items of ${step.id} at once`, (p) => updateStep(p, step.id, { forEach: { items: step.forEach!.items, ...(n !== undefined ? { concurrency: n } : {}) } }), { key: `forEachAtOnce:${step.id}` })} />
        </>
      ) : null}
      <div className={styles.help}>
        Runs the action once per item of a list (at most {MAX_FOR_EACH_ITEMS}); its inputs read the current item as {"${item}"} or {"${item.field}"}. Its output is the list of the items&apos; outputs; {"${steps."}{step.id}{".output.field}"} is that field of each. Leave empty to run it once.
      </div>
      {problem ? <div className={styles.fieldError} data-testid="for-each-error">{problem}</div> : null}
      {issues.map((i, k) => (
        <div key={k} className={i.severity === "error" ? styles.fieldError : styles.fieldWarning} data-testid="for-each-issue">{i.message}{i.hint ? ` ${i.hint}` : ""}</div>
      ))}
    </div>
  );
}
