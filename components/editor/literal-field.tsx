"use client";
/** A form control generated from a JSON Schema: text, numbers, booleans, enums; JSON for the rest. */
import { useState } from "react";
import { isAnySchema, isObject } from "@/lib/core/json-schema";
import { JsonField } from "./json-field";
import styles from "./forms.module.css";

type Widget = "enum" | "string" | "text" | "number" | "integer" | "boolean" | "json";

const LONG_TEXT = /text|body|content|template|sql|html|markdown|intro|prompt|instructions|question|description/i;

export function widgetFor(schema: unknown, name = ""): Widget {
  if (!isObject(schema) || isAnySchema(schema)) return "json";
  if (Array.isArray(schema.enum) && schema.enum.length && schema.enum.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v))) return "enum";
  const t = schema.type;
  if (t === "string") return (typeof schema.maxLength === "number" && schema.maxLength <= 200) || !LONG_TEXT.test(name) ? "string" : "text";
  if (t === "number") return "number";
  if (t === "integer") return "integer";
  if (t === "boolean") return "boolean";
  return "json";
}

/** An empty value of the schema's type, for a field that starts being set. */
export function blankValue(schema: unknown): unknown {
  if (isObject(schema) && schema.default !== undefined) return schema.default;
  switch (widgetFor(schema)) {
    case "enum": return (schema as { enum: unknown[] }).enum[0];
    case "string": case "text": return "";
    case "number": case "integer": return 0;
    case "boolean": return false;
    default: return isObject(schema) && schema.type === "array" ? [] : isObject(schema) && schema.type === "object" ? {} : null;
  }
}

export function LiteralField({ id, name, schema, value, onChange, testId }: {
  id: string;
  name: string;
  schema: unknown;
  value: unknown;
  onChange(value: unknown): void;
  testId?: string;
}) {
  const widget = widgetFor(schema, name);
  const def = isObject(schema) ? schema.default : undefined;
  const placeholder = def !== undefined ? `default: ${JSON.stringify(def)}` : "";
  switch (widget) {
    case "enum": {
      const options = (schema as { enum: unknown[] }).enum;
      const index = options.findIndex((o) => o === value);
      return (
        <select id={id} className={styles.control} value={index < 0 ? "" : String(index)} onChange={(e) => onChange(options[Number(e.target.value)])} data-testid={testId}>
          {index < 0 ? <option value="">{value === undefined ? (placeholder || "Choose…") : `${JSON.stringify(value)} (not allowed)`}</option> : null}
          {options.map((o, i) => <option key={i} value={i}>{String(o)}</option>)}
        </select>
      );
    }
    case "boolean":
      return (
        <label className={styles.switch}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
          <span>{value === true ? "true" : value === false ? "false" : placeholder || "not set"}</span>
        </label>
      );
    case "string":
      return <input id={id} type="text" className={styles.control} value={typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value)} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
    case "text":
      return <textarea id={id} className={`${styles.control} ${styles.text}`} rows={3} value={typeof value === "string" ? value : ""} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
    case "number":
    case "integer":
      return <NumberInput id={id} value={value} integer={widget === "integer"} placeholder={placeholder} onChange={onChange} testId={testId} />;
    default:
      return <JsonField id={id} value={value} schema={schema} onChange={onChange} placeholder={placeholder || "JSON, e.g. [] or {}"} testId={testId} />;
  }
}

/** A number as text: "1." or "-" stay as typed until they are a number. */
export function NumberInput({ id, value, integer, placeholder, onChange, testId, min, max }: {
  id?: string;
  value: unknown;
  integer?: boolean;
  placeholder?: string;
  onChange(value: number | undefined): void;
  testId?: string;
  min?: number;
  max?: number;
}) {
  const shown = typeof value === "number" ? String(value) : "";
  const [draft, setDraft] = useState<{ text: string; over: string } | null>(null);
  const text = draft && draft.over === shown ? draft.text : shown;
  const bad = text.trim() !== "" && (!Number.isFinite(Number(text)) || (integer && !Number.isInteger(Number(text))));
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode={integer ? "numeric" : "decimal"}
        className={`${styles.control} ${bad ? styles.invalid : ""}`}
        value={text}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(e) => {
          const t = e.target.value;
          const n = Number(t);
          if (t.trim() === "") {
            setDraft({ text: t, over: "" });
            onChange(undefined);
          } else if (Number.isFinite(n) && (!integer || Number.isInteger(n)) && (min === undefined || n >= min) && (max === undefined || n <= max)) {
            setDraft({ text: t, over: String(n) });
            onChange(n);
          } else setDraft({ text: t, over: shown });
        }}
      />
      {bad ? <div className={styles.fieldError}>{integer ? "Type a whole number." : "Type a number."}</div> : null}
    </>
  );
}
