"use client";
import { useActionState, useRef } from "react";
import { importPlanAction, type ImportState } from "@/app/actions";

export function ImportPlanForm() {
  const [state, formAction, pending] = useActionState<ImportState, FormData>(importPlanAction, {});
  const textRef = useRef<HTMLTextAreaElement>(null);
  return (
    <form action={formAction} className="card card-body stack" data-testid="import-form">
      <div className="field">
        <label htmlFor="plan-file">File</label>
        <input
          id="plan-file"
          type="file"
          accept="application/json,.json"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file && textRef.current) textRef.current.value = await file.text();
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="plan-json">Plan JSON</label>
        <textarea id="plan-json" name="json" ref={textRef} defaultValue={state.json ?? ""} placeholder='{ "goal": "…", "flows": [], "inputs": [], "steps": [], "outputs": {} }' />
      </div>
      {state.error ? <div className="error-box" role="alert" data-testid="import-error">{state.error}</div> : null}
      <div className="row">
        <button className="button primary" type="submit" disabled={pending}>{pending ? "Importing…" : "Import plan"}</button>
      </div>
    </form>
  );
}
