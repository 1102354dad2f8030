"use client";
import type { Field } from "./schema-field";

/**
 * One value's control, chosen by its JSON Schema field kind: a choice for booleans and enums,
 * a text area for text on several lines (and JSON), a text box otherwise. The run form and the
 * approval panel share it, so a value is typed the same way wherever a person gives it.
 */
export function SchemaFieldInput({ id, field, value, onChange, multiline, testId }: { id: string; field: Field; value: string; onChange(text: string): void; multiline?: boolean; testId?: string }) {
  if (field.kind === "boolean") {
    return (
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">—</option><option value="true">true</option><option value="false">false</option>
      </select>
    );
  }
  if (field.kind === "enum") {
    return (
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">—</option>{field.options!.map((o) => <option key={String(o)} value={String(o)}>{String(o)}</option>)}
      </select>
    );
  }
  if (multiline) {
    return <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} rows={Math.min(12, Math.max(3, value.split("\n").length + 1))} spellCheck={field.kind !== "json"} className={field.kind === "json" ? "mono" : undefined} data-testid={testId} />;
  }
  return <input id={id} type="text" inputMode={field.kind === "number" || field.kind === "integer" ? "decimal" : undefined} value={value} placeholder={field.kind === "json" ? "JSON" : field.kind} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
}
