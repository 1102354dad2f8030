"use client";
/**
 * A JSON value as text, checked as it is typed. Text that parses is committed at once; text
 * that does not stays a local draft with the parse error shown. The draft belongs to the
 * value it was typed over: when the value changes elsewhere (undo), the draft is dropped.
 */
import { useState } from "react";
import { checkValue, formatValueErrors } from "@/lib/core/check-value";
import styles from "./forms.module.css";

export function JsonField({ id, value, schema, onChange, rows = 4, placeholder, testId }: {
  id?: string;
  value: unknown;
  schema?: unknown;
  onChange(value: unknown): void;
  rows?: number;
  placeholder?: string;
  testId?: string;
}) {
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState<{ text: string; over: string; error?: string } | null>(null);
  const current = draft && draft.over === shown ? draft : null;
  const text = current ? current.text : shown;
  const typeErrors = !current?.error && value !== undefined && schema !== undefined ? checkValue(value, schema) : [];
  return (
    <div className={styles.jsonField}>
      <textarea
        id={id}
        className={`${styles.code} ${current?.error || typeErrors.length ? styles.invalid : ""}`}
        rows={Math.min(14, Math.max(rows, text.split("\n").length))}
        value={text}
        placeholder={placeholder}
        spellCheck={false}
        data-testid={testId}
        onChange={(e) => {
          const t = e.target.value;
          if (!t.trim()) {
            setDraft({ text: t, over: shown, error: "Empty: type a JSON value, or clear the input." });
            return;
          }
          try {
            const v: unknown = JSON.parse(t);
            setDraft({ text: t, over: JSON.stringify(v, null, 2) });
            onChange(v);
          } catch (err) {
            setDraft({ text: t, over: shown, error: (err as Error).message });
          }
        }}
      />
      {current?.error ? <div className={styles.fieldError}>Not valid JSON yet: {current.error}</div> : null}
      {typeErrors.length ? <div className={styles.fieldError}>{formatValueErrors(typeErrors)}</div> : null}
    </div>
  );
}
