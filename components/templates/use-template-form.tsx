"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteTemplateAction, instantiateTemplateAction } from "@/app/actions";
import { isObject } from "@/lib/core/json-schema";
import { fieldOf, parseFieldText, toFieldText, type Field } from "@/components/ui/schema-field";
import { paramBinding, type TemplateInfo, type TemplateParam } from "@/lib/templates/template";
import { useCan } from "@/components/ui/access";
import styles from "./templates.module.css";

function placeholderOf(p: TemplateParam, f: Field): string {
  const examples = isObject(p.schema) && Array.isArray(p.schema.examples) ? p.schema.examples : [];
  return examples.length ? `e.g. ${toFieldText(examples[0], f)}` : f.kind === "json" ? "JSON" : f.kind;
}

/** The template's parameter problems, from an `invalid_params` error's details. */
function paramProblems(details: unknown): string | undefined {
  const problems = isObject(details) && Array.isArray(details.problems) ? details.problems : [];
  const messages = problems.map((p) => (isObject(p) && typeof p.message === "string" ? p.message : "")).filter(Boolean);
  return messages.length ? messages.join("; ") : undefined;
}

/** "Use template": a typed field per parameter; creates the plan and opens it. Only for people who may edit (a viewer sees the template, not the form). */
export function UseTemplateForm({ template }: { template: TemplateInfo }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(template.params.map((p) => [p.name, toFieldText(p.default, fieldOf(p.schema))])));
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const mayEdit = useCan("edit");

  const submit = () =>
    start(async () => {
      setError(null);
      const params: Record<string, unknown> = {};
      for (const p of template.params) {
        const r = parseFieldText(p.schema, values[p.name] ?? "");
        if (r.error) return setError(`"${p.title ?? p.name}": ${r.error}`);
        if (r.value !== undefined) params[p.name] = r.value;
        else if (paramBinding(p) === "literal" && p.default === undefined) return setError(`"${p.title ?? p.name}" needs a value.`);
      }
      const res = await instantiateTemplateAction(template.id, params);
      if (!res.ok) return setError(paramProblems(res.details) ?? res.error);
      router.push(`/plans/${res.value.planId}`);
    });

  const remove = () =>
    start(async () => {
      const res = await deleteTemplateAction(template.id);
      if (!res.ok) return setError(res.error);
      router.refresh();
    });

  if (!mayEdit) return null;
  if (!open) {
    return (
      <div className={styles.row}>
        <button className="button primary" type="button" onClick={() => setOpen(true)}>Use template</button>
        {template.source === "saved" ? <button className="button" type="button" disabled={pending} onClick={remove}>Delete</button> : null}
        {error ? <div className="error-box" role="alert">{error}</div> : null}
      </div>
    );
  }
  return (
    <form className={styles.form} onSubmit={(e) => { e.preventDefault(); submit(); }} data-testid="use-template-form" aria-label={`Use ${template.name}`}>
      {template.params.map((p) => {
        const f = fieldOf(p.schema);
        const id = `tpl-${template.id}-${p.name}`;
        const set = (v: string) => setValues({ ...values, [p.name]: v });
        return (
          <div className="field" key={p.name}>
            <label htmlFor={id}>
              {p.title ?? p.name}
              <span className="subtle"> · {paramBinding(p) === "literal" ? "fills the plan" : "plan input, can change per run"}</span>
            </label>
            {f.kind === "boolean" ? (
              <select id={id} value={values[p.name] ?? ""} onChange={(e) => set(e.target.value)}>
                <option value="">—</option><option value="true">true</option><option value="false">false</option>
              </select>
            ) : f.kind === "enum" ? (
              <select id={id} value={values[p.name] ?? ""} onChange={(e) => set(e.target.value)}>
                {p.default === undefined ? <option value="">—</option> : null}
                {f.options!.map((o) => <option key={String(o)} value={String(o)}>{String(o)}</option>)}
              </select>
            ) : (
              <input id={id} type="text" inputMode={f.kind === "number" || f.kind === "integer" ? "decimal" : undefined} value={values[p.name] ?? ""} placeholder={placeholderOf(p, f)} onChange={(e) => set(e.target.value)} />
            )}
            {p.description ? <span className={styles.hint}>{p.description}</span> : null}
          </div>
        );
      })}
      {error ? <div className="error-box" role="alert" data-testid="use-template-error">{error}</div> : null}
      <div className={styles.row}>
        <button className="button primary" type="submit" disabled={pending}>{pending ? "Creating…" : "Create plan"}</button>
        <button className="button" type="button" disabled={pending} onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
