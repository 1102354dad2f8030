"use client";
/** The plan's parameters: add, remove, rename (bindings follow), type, describe, default. */
import { useState } from "react";
import { canonicalJson } from "@/lib/core/hash";
import type { JsonSchema } from "@/lib/core/json-schema";
import type { PlanInput } from "@/lib/core/plan";
import { addPlanInput, removePlanInput, renamePlanInput, uniqueInputName, updatePlanInput } from "@/lib/core/plan-edits";
import { Icon } from "./icons";
import { JsonField } from "./json-field";
import { LiteralField } from "./literal-field";
import { useActions, useEditor } from "./store-context";
import { validationOf } from "./validation";
import styles from "./sidebar.module.css";
import forms from "./forms.module.css";

const TYPES: { id: string; label: string; schema: JsonSchema }[] = [
  { id: "string", label: "Text", schema: { type: "string" } },
  { id: "number", label: "Number", schema: { type: "number" } },
  { id: "integer", label: "Whole number", schema: { type: "integer" } },
  { id: "boolean", label: "Yes / no", schema: { type: "boolean" } },
  { id: "strings", label: "List of text", schema: { type: "array", items: { type: "string" } } },
  { id: "numbers", label: "List of numbers", schema: { type: "array", items: { type: "number" } } },
  { id: "object", label: "Object (JSON)", schema: { type: "object" } },
  { id: "any", label: "Anything", schema: {} },
];

function typeIdOf(schema: JsonSchema): string {
  const key = canonicalJson(schema);
  return TYPES.find((t) => canonicalJson(t.schema) === key)?.id ?? "custom";
}

export function PlanInputsPanel() {
  const { apply } = useActions();
  const inputs = useEditor((s) => s.plan.inputs);
  const add = () => apply("Add a plan input", (p) => addPlanInput(p, { name: uniqueInputName(p, "input"), schema: { type: "string" } }));
  return (
    <div className={styles.tabBody}>
      <p className={styles.hint}>What a person gives when the plan runs. Step inputs read them; renaming one updates every step that does.</p>
      <div className={styles.scroll} data-testid="plan-inputs">
        {inputs.length === 0 ? <p className={styles.empty}>No inputs: this plan runs with fixed values.</p> : null}
        {inputs.map((input) => <InputCard key={input.name} input={input} />)}
        <button type="button" className={`button ${styles.addButton}`} onClick={add} data-testid="add-plan-input"><Icon name="plus" /> Add input</button>
      </div>
    </div>
  );
}

function InputCard({ input }: { input: PlanInput }) {
  const { apply } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const issues = validationOf(plan, catalog).issues.filter((i) => i.input === input.name && !i.stepId);
  const [nameDraft, setNameDraft] = useState<{ text: string; over: string } | null>(null);
  const name = nameDraft && nameDraft.over === input.name ? nameDraft.text : input.name;
  const typeId = typeIdOf(input.schema);
  const rename = () => {
    const to = name.trim();
    if (to && to !== input.name && apply(`Rename input ${input.name} to ${to}`, (p) => renamePlanInput(p, input.name, to))) setNameDraft(null);
  };
  const patch = (label: string, change: Partial<Omit<PlanInput, "name">>, key?: string) => apply(label, (p) => updatePlanInput(p, input.name, change), { key });
  return (
    <div className={styles.inputCard} data-testid={`plan-input-${input.name}`}>
      <div className={styles.inputRow}>
        <input
          type="text"
          className={`${forms.control} ${forms.mono}`}
          value={name}
          aria-label="Input name"
          onChange={(e) => setNameDraft({ text: e.target.value, over: input.name })}
          onBlur={rename}
          onKeyDown={(e) => { if (e.key === "Enter") rename(); if (e.key === "Escape") setNameDraft(null); }}
          data-testid="plan-input-name"
        />
        <button type="button" className={forms.iconButton} title={`Remove the input ${input.name}; steps that read it become unset`} onClick={() => apply(`Remove input ${input.name}`, (p) => removePlanInput(p, input.name))} data-testid="plan-input-remove">
          <Icon name="trash" />
        </button>
      </div>
      <div className={styles.inputRow}>
        <select
          className={forms.control}
          value={typeId}
          aria-label="Input type"
          onChange={(e) => {
            const t = TYPES.find((x) => x.id === e.target.value);
            if (t) patch(`Type of input ${input.name}`, { schema: { ...t.schema, ...(input.schema.description ? { description: input.schema.description } : {}) }, default: undefined });
          }}
          data-testid="plan-input-type"
        >
          {TYPES.map((t) => <option key={t.id} value={t.id}>{t.label}</option>)}
          {typeId === "custom" ? <option value="custom">Custom schema</option> : null}
        </select>
        <label className={`${forms.switch} ${styles.required}`}>
          <input type="checkbox" checked={input.required ?? input.default === undefined} onChange={(e) => patch(`Input ${input.name} ${e.target.checked ? "required" : "optional"}`, { required: e.target.checked })} />
          <span>Required</span>
        </label>
      </div>
      {typeId === "custom" ? <JsonField value={input.schema} onChange={(v) => typeof v === "object" && v && !Array.isArray(v) && patch(`Schema of input ${input.name}`, { schema: v as JsonSchema }, `schema:${input.name}`)} /> : null}
      <input type="text" className={forms.control} placeholder="Description (shown in the run form)" value={input.description ?? ""} onChange={(e) => patch(`Describe input ${input.name}`, { description: e.target.value || undefined }, `desc:${input.name}`)} />
      <div className={forms.field}>
        <label>Default</label>
        <LiteralField id={`default-${input.name}`} name={input.name} schema={input.schema} value={input.default} onChange={(v) => patch(`Default of input ${input.name}`, { default: v }, `default:${input.name}`)} />
      </div>
      {issues.map((i, k) => <div key={k} className={i.severity === "error" ? forms.fieldError : forms.fieldWarning}>{i.message}</div>)}
    </div>
  );
}
