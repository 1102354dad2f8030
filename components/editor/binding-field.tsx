"use client";
/**
 * One input of the selected step: set as a value (a form from its JSON Schema), a plan input,
 * or an upstream step's output. Choices that would not type-check are shown but disabled,
 * with the reason; the same lib/core checks as the canvas.
 */
import { useMemo, useState } from "react";
import { bindingLabel, parseBindingText, printBinding } from "@/lib/core/binding-text";
import type { Catalog } from "@/lib/core/catalog";
import type { ValidationIssue } from "@/lib/core/issues";
import { describeType, isObject } from "@/lib/core/json-schema";
import type { Binding, Plan, Step } from "@/lib/core/plan";
import { downstreamOf } from "@/lib/core/graph";
import { checkConnection, promoteToPlanInput, setBinding, sourceSchema, type BindingSource } from "@/lib/core/plan-edits";
import { isAssignable } from "@/lib/core/type-compat";
import { TypeChip } from "@/components/ui/type-chip";
import { Icon } from "./icons";
import { LiteralField, blankValue } from "./literal-field";
import { useActions, useEditor } from "./store-context";
import styles from "./forms.module.css";

type Mode = Binding["kind"];
const MODES: { mode: Mode; label: string }[] = [
  { mode: "literal", label: "Value" },
  { mode: "input", label: "Plan input" },
  { mode: "step", label: "Step output" },
];

interface SourceOption {
  text: string;
  label: string;
  ok: boolean;
  type: string;
}

/** Outputs of steps that may feed `stepId` (not itself, nothing downstream of it), fitting ones first. */
function stepSources(plan: Plan, catalog: Catalog, stepId: string, target: unknown): { step: string; options: SourceOption[] }[] {
  const below = downstreamOf(plan.steps, stepId);
  const groups: { step: string; options: SourceOption[] }[] = [];
  for (const s of plan.steps) {
    if (s.id === stepId || below.has(s.id)) continue;
    const spec = catalog.get(s.action);
    const fields = spec && isObject(spec.output.properties) ? Object.keys(spec.output.properties) : [];
    const sources: BindingSource[] = [{ kind: "step", step: s.id }, ...fields.map((f): BindingSource => ({ kind: "step", step: s.id, path: [f] }))];
    const options = sources.map((src): SourceOption => {
      const schema = sourceSchema(plan, catalog, src);
      const sch = "error" in schema ? {} : schema.schema;
      const binding: Binding = src.kind === "step" && src.path ? { kind: "step", step: src.step, path: src.path } : { kind: "step", step: s.id };
      return {
        text: String(printBinding(binding)),
        label: src.kind === "step" && src.path ? `${s.id} → ${src.path[0]}` : `${s.id} → output`,
        ok: isAssignable(sch, target).ok,
        type: describeType(sch),
      };
    });
    groups.push({ step: s.id, options });
  }
  return groups;
}

export function BindingField({ step, name, schema, required, issues, highlight }: {
  step: Step;
  name: string;
  schema: unknown;
  required: boolean;
  issues: ValidationIssue[];
  highlight: number | null;
}) {
  const { apply } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const binding = step.inputs[name];
  // A mode picked by the person holds until the binding changes under it.
  const [picked, setPicked] = useState<{ mode: Mode; over: Binding | undefined } | null>(null);
  const mode: Mode = picked && picked.over === binding ? picked.mode : binding?.kind ?? "literal";
  const description = isObject(schema) && typeof schema.description === "string" ? schema.description : undefined;
  const fieldId = `field-${step.id}-${name}`;
  const set = (label: string, b: Binding | undefined, key?: string) => apply(label, (p) => setBinding(p, step.id, name, b), { key });

  return (
    <div className={`${styles.binding} ${issues.some((i) => i.severity === "error") ? styles.bindingError : ""}`} data-input-field={name} data-testid={`input-field-${name}`} key={highlight ?? undefined} data-highlight={highlight !== null ? "true" : undefined}>
      <div className={styles.bindingHead}>
        <label htmlFor={fieldId} className={styles.inputName}>
          {name}
          {required ? <span className={styles.req} title="required">*</span> : null}
        </label>
        <span className={styles.typeWrap} title={describeType(schema)}><TypeChip schema={schema} /></span>
        <span className={styles.grow} />
        {binding ? (
          <button type="button" className={styles.iconButton} title="Unset this input" onClick={() => set(`Clear ${step.id}.${name}`, undefined)} data-testid="binding-clear">
            <Icon name="close" size={12} />
          </button>
        ) : null}
      </div>
      {description ? <div className={styles.help}>{description}</div> : null}
      <div className={styles.modes} role="tablist" aria-label={`How ${name} is set`}>
        {[...MODES, ...(step.forEach || binding?.kind === "item" ? [ITEM_MODE] : [])].map((m) => (
          <button
            key={m.mode}
            type="button"
            role="tab"
            aria-selected={mode === m.mode}
            className={mode === m.mode ? styles.modeOn : styles.mode}
            onClick={() => setPicked({ mode: m.mode, over: binding })}
            data-testid={`mode-${m.mode}`}
          >
            {m.label}
          </button>
        ))}
      </div>

      {binding?.kind === "firstOf" && mode === "firstOf" ? (
        <div className={styles.help} data-testid="merge-field">
          <strong>Merged:</strong> the first of these that produced a value (a skipped branch produces none)
          <ol style={{ margin: "4px 0 0", paddingLeft: 18 }}>
            {binding.of.map((b, k) => <li key={k} className={styles.mono}>{bindingLabel(b)}</li>)}
          </ol>
        </div>
      ) : mode === "literal" ? (
        <LiteralField
          id={fieldId}
          name={name}
          schema={schema}
          value={binding?.kind === "literal" ? binding.value : undefined}
          onChange={(v) => set(`Set ${step.id}.${name}`, v === undefined ? undefined : { kind: "literal", value: v }, `literal:${step.id}:${name}`)}
          testId="literal-input"
        />
      ) : mode === "item" ? (
        <ItemChoice step={step} binding={binding} onPick={(b) => set(`Set ${step.id}.${name} to ${String(printBinding(b))}`, b)} />
      ) : mode === "input" ? (
        <PlanInputChoice step={step} name={name} schema={schema} binding={binding} plan={plan} fieldId={fieldId} onPick={(b) => set(`Bind ${step.id}.${name} to input ${b.kind === "input" ? b.name : ""}`, b)} />
      ) : (
        <StepChoice step={step} name={name} schema={schema} binding={binding} plan={plan} catalog={catalog} fieldId={fieldId} onPick={(b, label) => set(label, b)} />
      )}

      {mode === "literal" && !binding && required ? <div className={styles.help}>Not set yet. Type a value, or feed it from a plan input or a step.</div> : null}
      {issues.map((i, k) => (
        <div key={k} className={i.severity === "error" ? styles.fieldError : styles.fieldWarning}>{i.message}</div>
      ))}
      {mode === "literal" && binding?.kind !== "literal" && binding ? (
        <button type="button" className={styles.linkButton} onClick={() => set(`Set ${step.id}.${name}`, { kind: "literal", value: blankValue(schema) })}>Replace the current {binding.kind === "input" ? "plan input" : "connection"} with a value</button>
      ) : null}
    </div>
  );
}

const ITEM_MODE: { mode: Mode; label: string } = { mode: "item", label: "Current item" };

/** The current item of a for-each step, or a path into it, in text form (`${item.name}`). */
function ItemChoice({ step, binding, onPick }: { step: Step; binding: Binding | undefined; onPick(b: Binding): void }) {
  const { toast } = useActions();
  const currentText = binding?.kind === "item" ? String(printBinding(binding)) : "";
  const [draft, setDraft] = useState<{ text: string; over: string } | null>(null);
  const text = draft && draft.over === currentText ? draft.text : currentText || "${item}";
  const pick = (t: string) => {
    const parsed = parseBindingText(t);
    if (!parsed.ok || parsed.binding.kind !== "item") return toast("error", "Write ${item}, or a path into it such as ${item.name}.");
    if (!step.forEach) return toast("error", "${item} reads the current item of a for-each step; set \"For each\" on this step first.");
    onPick(parsed.binding);
  };
  return (
    <div className={styles.stack}>
      <input type="text" className={`${styles.control} ${styles.mono}`} value={text} aria-label="Current item" data-testid="item-input"
        onChange={(e) => setDraft({ text: e.target.value, over: currentText })}
        onKeyDown={(e) => { if (e.key === "Enter" && text.trim() !== currentText) pick(text.trim()); }}
        onBlur={() => { if (text.trim() !== currentText) pick(text.trim()); }} />
      <div className={styles.help}>The item this step runs for, or a field of it: {"${item.name}"}.</div>
    </div>
  );
}

function PlanInputChoice({ step, name, schema, binding, plan, fieldId, onPick }: {
  step: Step; name: string; schema: unknown; binding: Binding | undefined; plan: Plan; fieldId: string; onPick(b: Binding): void;
}) {
  const { apply } = useActions();
  const catalog = useEditor((s) => s.catalog);
  const current = binding?.kind === "input" ? binding.name : "";
  return (
    <div className={styles.stack}>
      <select id={fieldId} className={styles.control} value={current} onChange={(e) => e.target.value && onPick({ kind: "input", name: e.target.value })} data-testid="input-select">
        <option value="">{plan.inputs.length ? "Choose a plan input…" : "This plan has no inputs yet"}</option>
        {plan.inputs.map((i) => {
          const fit = isAssignable(i.schema, schema);
          return <option key={i.name} value={i.name} disabled={!fit.ok}>{i.name} ({describeType(i.schema)}){fit.ok ? "" : " · does not fit"}</option>;
        })}
        {current && !plan.inputs.some((i) => i.name === current) ? <option value={current}>{current} (not declared)</option> : null}
      </select>
      <button type="button" className={styles.linkButton} onClick={() => apply(`Make ${step.id}.${name} a plan input`, (p) => promoteToPlanInput(p, catalog, { step: step.id, input: name }))} data-testid="promote-input">
        <Icon name="plus" size={12} /> New plan input “{name}” of this type
      </button>
    </div>
  );
}

function StepChoice({ step, name, schema, binding, plan, catalog, fieldId, onPick }: {
  step: Step; name: string; schema: unknown; binding: Binding | undefined; plan: Plan; catalog: Catalog; fieldId: string; onPick(b: Binding, label: string): void;
}) {
  const { toast } = useActions();
  const groups = useMemo(() => stepSources(plan, catalog, step.id, schema), [plan, catalog, step.id, schema]);
  const currentText = binding?.kind === "step" ? String(printBinding(binding)) : "";
  const [draft, setDraft] = useState<{ text: string; over: string } | null>(null);
  const refText = draft && draft.over === currentText ? draft.text : currentText;
  const known = groups.some((g) => g.options.some((o) => o.text === currentText));
  const pick = (text: string) => {
    const parsed = parseBindingText(text);
    if (!parsed.ok) return toast("error", parsed.error);
    const b = parsed.binding;
    if (b.kind === "literal") return toast("error", "Write a reference such as ${steps.load.output.table}.");
    if (b.kind === "firstOf") return toast("error", "Connect one reference here; a merge (firstOf) is written in the plan's JSON.");
    if (b.kind === "item") {
      if (!step.forEach) return toast("error", "${item} reads the current item of a for-each step; set \"For each\" on this step first.");
      onPick(b, `Set ${step.id}.${name} to ${text}`);
      return;
    }
    const source: BindingSource = b.kind === "input" ? { kind: "input", name: b.name } : { kind: "step", step: b.step, path: b.path };
    const check = checkConnection(plan, catalog, source, { step: step.id, input: name });
    if (!check.ok) return toast("error", `Not connected: ${check.reason}`);
    onPick(b, `Connect ${text} → ${step.id}.${name}`);
  };
  return (
    <div className={styles.stack}>
      <select id={fieldId} className={styles.control} value={known ? currentText : ""} onChange={(e) => e.target.value && pick(e.target.value)} data-testid="source-select">
        <option value="">{groups.length ? "Choose an upstream output…" : "No step can feed this input"}</option>
        {groups.map((g) => (
          <optgroup key={g.step} label={g.step}>
            {g.options.map((o) => (
              <option key={o.text} value={o.text} disabled={!o.ok}>{o.label} ({o.type}){o.ok ? "" : " · does not fit"}</option>
            ))}
          </optgroup>
        ))}
      </select>
      <input
        type="text"
        className={`${styles.control} ${styles.mono}`}
        value={refText}
        placeholder="${steps.ID.output.field}"
        aria-label="Reference"
        onChange={(e) => setDraft({ text: e.target.value, over: currentText })}
        onKeyDown={(e) => { if (e.key === "Enter" && refText.trim() && refText !== currentText) pick(refText.trim()); }}
        onBlur={() => { if (refText.trim() && refText !== currentText) pick(refText.trim()); }}
      />
      <div className={styles.help}>Or drag from an output handle on the canvas; a path like <code>.table.rows</code> reaches deeper.</div>
    </div>
  );
}
