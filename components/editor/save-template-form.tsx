"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { saveTemplateAction } from "@/app/actions";

/** Saves the plan's saved version as a template; its plan inputs become the template's parameters. */
export function SaveTemplateForm({ planId, versionId, defaultName }: { planId: string; versionId?: string; defaultName: string }) {
  const [name, setName] = useState(defaultName);
  const [description, setDescription] = useState("");
  const [result, setResult] = useState<{ ok: true; id: string } | { ok: false; error: string } | null>(null);
  const [pending, start] = useTransition();
  const submit = () =>
    start(async () => {
      const r = await saveTemplateAction({ planId, versionId, name, description });
      setResult(r.ok ? { ok: true, id: r.value.template.id } : { ok: false, error: r.error });
    });
  return (
    <div className="stack" style={{ gap: 10 }} data-testid="save-template-form">
      <div className="field">
        <label htmlFor="template-name">Name</label>
        <input id="template-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="template-description">Description</label>
        <input id="template-description" type="text" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What the plan does (optional)" />
      </div>
      <p className="subtle">The saved version is stored as the template; its plan inputs become the template&apos;s parameters.</p>
      {result?.ok === false ? <div className="error-box" role="alert">{result.error}</div> : null}
      {result?.ok ? <div className="notice" data-testid="template-saved">Saved as <Link href={`/templates#${result.id}`}>{result.id}</Link>.</div> : null}
      <button type="button" className="button primary" disabled={pending || !name.trim()} onClick={submit} data-testid="save-template-button">{pending ? "Saving…" : "Save as template"}</button>
    </div>
  );
}
