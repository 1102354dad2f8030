"use client";
/** Import: a plan file (any form: lib/contract/plan-file) replaces the working copy (one undo entry). Malformed JSON changes nothing and says why. */
import { useState } from "react";
import { Dialog } from "./dialog";
import { Icon } from "./icons";
import { readPlanFile } from "@/lib/contract/plan-file";
import { downloadJson } from "./plan-json";
import { useActions, useEditor } from "./store-context";
import { validationOf } from "./validation";
import styles from "./dialogs.module.css";

export function ImportDialog({ fileName, onClose }: { fileName: string; onClose(): void }) {
  const { replacePlan, toast } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const submit = () => {
    const r = readPlanFile(text);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    replacePlan("Import JSON", r.plan);
    const n = validationOf(r.plan, catalog).issues.filter((i) => i.severity === "error").length;
    toast(n ? "info" : "success", `Imported ${r.plan.steps.length} steps${n ? ` with ${n} error${n === 1 ? "" : "s"} to fix` : ""}. Save to keep it as a version.`);
    onClose();
  };
  return (
    <Dialog
      title="Import or export JSON"
      subtitle="Importing replaces the plan in the editor (Undo brings it back); nothing is saved until you save."
      onClose={onClose}
      wide="medium"
      testId="import-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={() => downloadJson(fileName, plan)} data-testid="export-json-dialog"><Icon name="download" /> Download current plan</button>
          <span className={styles.grow} />
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          <button type="button" className="button primary" onClick={submit} disabled={!text.trim()} data-testid="import-submit"><Icon name="upload" /> Replace with this plan</button>
        </>
      }
    >
      <div className={styles.field}>
        <label htmlFor="import-file">File</label>
        <input id="import-file" type="file" accept="application/json,.json" data-testid="import-file"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            if (f) {
              setText(await f.text());
              setError(undefined);
            }
          }} />
      </div>
      <div className={styles.field}>
        <label htmlFor="import-json">Plan JSON</label>
        <textarea id="import-json" rows={12} className={styles.code} value={text} spellCheck={false} onChange={(e) => { setText(e.target.value); setError(undefined); }}
          placeholder='{ "goal": "…", "flows": [], "inputs": [], "steps": [], "outputs": {} }' data-testid="import-json" />
      </div>
      {error ? (
        <div className={styles.errorBox} role="alert" data-testid="import-error">
          <b>Nothing was changed.</b> {error}
        </div>
      ) : null}
    </Dialog>
  );
}
