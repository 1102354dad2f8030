"use client";
/** The selected step's settings: id, label, approval, retries, timeout, failure policy, order dependencies. */
import { useState } from "react";
import type { ActionSpec } from "@/lib/core/action";
import { downstreamOf } from "@/lib/core/graph";
import type { Step } from "@/lib/core/plan";
import { addOrderDependency, removeOrderDependency, updateStep } from "@/lib/core/plan-edits";
import { Icon } from "./icons";
import { JsonField } from "./json-field";
import { NumberInput } from "./literal-field";
import { useActions, useEditor } from "./store-context";
import styles from "./forms.module.css";

export function StepSettings({ step, spec }: { step: Step; spec: ActionSpec | undefined }) {
  const { apply, renameStep } = useActions();
  const plan = useEditor((s) => s.plan);
  const [idDraft, setIdDraft] = useState<{ text: string; over: string } | null>(null);
  const idText = idDraft && idDraft.over === step.id ? idDraft.text : step.id;
  const set = (label: string, patch: Parameters<typeof updateStep>[2], key?: string) => apply(label, (p) => updateStep(p, step.id, patch), { key });
  const renameTo = (to: string) => {
    if (to === step.id) return;
    if (renameStep(step.id, to)) setIdDraft(null);
  };
  const below = downstreamOf(plan.steps, step.id);
  const waitable = plan.steps.filter((s) => s.id !== step.id && !(step.after ?? []).includes(s.id) && !below.has(s.id));
  const approvalDefault = spec?.approval ?? false;

  return (
    <div className={styles.settings}>
      <div className={styles.grid2}>
        <div className={styles.field}>
          <label htmlFor="step-id">Step id</label>
          <input
            id="step-id"
            type="text"
            className={`${styles.control} ${styles.mono}`}
            value={idText}
            onChange={(e) => setIdDraft({ text: e.target.value, over: step.id })}
            onKeyDown={(e) => { if (e.key === "Enter") renameTo(idText.trim()); if (e.key === "Escape") setIdDraft(null); }}
            onBlur={() => renameTo(idText.trim())}
            data-testid="step-id-input"
          />
        </div>
        <div className={styles.field}>
          <label htmlFor="step-label">Label</label>
          <input id="step-label" type="text" className={styles.control} value={step.label ?? ""} placeholder={spec?.title ?? step.action} onChange={(e) => set(`Label ${step.id}`, { label: e.target.value }, `label:${step.id}`)} data-testid="step-label-input" />
        </div>
        <div className={styles.field}>
          <label htmlFor="step-attempts">Attempts</label>
          <NumberInput id="step-attempts" integer min={1} max={20} value={step.retry?.maxAttempts} placeholder={`${spec?.retry.maxAttempts ?? 1} (action default)`}
            onChange={(n) => set(`Attempts of ${step.id}`, { retry: n === undefined ? undefined : { ...step.retry, maxAttempts: n } }, `retry:${step.id}`)} />
        </div>
        <div className={styles.field}>
          <label htmlFor="step-backoff">Backoff (ms)</label>
          <NumberInput id="step-backoff" integer min={0} max={600000} value={step.retry?.backoffMs} placeholder={String(spec?.retry.backoffMs ?? 500)}
            onChange={(n) => set(`Backoff of ${step.id}`, { retry: { maxAttempts: step.retry?.maxAttempts ?? spec?.retry.maxAttempts ?? 1, ...step.retry, backoffMs: n } }, `backoff:${step.id}`)} />
        </div>
        <div className={styles.field}>
          <label htmlFor="step-timeout">Timeout (ms)</label>
          <NumberInput id="step-timeout" integer min={1} max={86_400_000} value={step.timeoutMs} placeholder={`${spec?.timeoutMs ?? 30000} (action default)`}
            onChange={(n) => set(`Timeout of ${step.id}`, { timeoutMs: n }, `timeout:${step.id}`)} />
        </div>
        <div className={styles.field}>
          <label htmlFor="step-onerror">When it fails</label>
          <select id="step-onerror" className={styles.control} value={step.onError ?? "fail"} onChange={(e) => set(`On error of ${step.id}`, { onError: e.target.value === "continue" ? "continue" : undefined, fallback: e.target.value === "continue" ? step.fallback : undefined })}>
            <option value="fail">Fail the run</option>
            <option value="continue">Continue with a fallback</option>
          </select>
        </div>
      </div>
      <label className={styles.switch}>
        <input type="checkbox" checked={step.approval ?? approvalDefault} onChange={(e) => set(`Approval of ${step.id}`, { approval: e.target.checked === approvalDefault ? undefined : e.target.checked })} data-testid="step-approval" />
        <span>Wait for a person&apos;s approval before it runs{approvalDefault ? " (the action asks for it)" : ""}</span>
      </label>
      {step.onError === "continue" ? (
        <div className={styles.field}>
          <label>Fallback output</label>
          <JsonField value={step.fallback} schema={spec?.output} onChange={(v) => set(`Fallback of ${step.id}`, { fallback: v }, `fallback:${step.id}`)} placeholder="The output to use when the step fails (JSON)" />
        </div>
      ) : null}
      <div className={styles.field}>
        <label>Waits for (order only)</label>
        <div className={styles.chips}>
          {(step.after ?? []).map((a) => (
            <span key={a} className={styles.chip}>
              {a}
              <button type="button" title={`Stop waiting for ${a}`} onClick={() => apply(`${step.id} no longer waits for ${a}`, (p) => removeOrderDependency(p, a, step.id))}>
                <Icon name="close" size={10} />
              </button>
            </span>
          ))}
          <select className={`${styles.control} ${styles.inlineSelect}`} value="" onChange={(e) => e.target.value && apply(`${step.id} waits for ${e.target.value}`, (p) => addOrderDependency(p, e.target.value, step.id))} data-testid="add-after">
            <option value="">{step.after?.length ? "Add…" : "Nothing. Add a step…"}</option>
            {waitable.map((s) => <option key={s.id} value={s.id}>{s.id}</option>)}
          </select>
        </div>
      </div>
    </div>
  );
}
