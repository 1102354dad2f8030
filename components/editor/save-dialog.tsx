"use client";
/** Save: a new immutable version with an optional note. The server validates again; an invalid plan is kept as a draft. */
import { useState } from "react";
import { diffPlans } from "@/lib/core/plan-diff";
import { ApiRequestError, type PlanDetail } from "./api";
import { Dialog } from "./dialog";
import { DiffView } from "./diff-view";
import { useSavePlan, useVersion } from "./plan-bridge";
import { useActions, useEditor } from "./store-context";
import { validationOf } from "./validation";
import styles from "./dialogs.module.css";

export function SaveDialog({ detail, onClose }: { detail: PlanDetail; onClose(): void }) {
  const { markSaved, toast } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const baseVersionId = useEditor((s) => s.baseVersionId);
  const [note, setNote] = useState("");
  const save = useSavePlan(detail.plan.id);
  const base = useVersion(detail.plan.id, detail.latest.id === baseVersionId ? null : baseVersionId);
  const basePlan = detail.latest.id === baseVersionId ? detail.latest.plan : base.data?.version.plan;
  const errors = validationOf(plan, catalog).issues.filter((i) => i.severity === "error").length;
  const conflict = ApiRequestError.isInstance(save.error) && save.error.status === 409;

  const submit = (force = false) => {
    save.mutate({ plan, note: note.trim() || undefined, baseVersionId: force ? undefined : baseVersionId }, {
      onSuccess: (r) => {
        markSaved(r.version.id, r.version.hash);
        toast("success", r.created ? `Saved v${r.version.number}${r.valid ? "" : " as a draft"}.` : `Nothing changed since v${r.version.number}.`);
        onClose();
      },
    });
  };

  return (
    <Dialog
      title="Save a version"
      subtitle={`Versions are immutable: v${detail.latest.number} stays as it is, and this becomes a new one.`}
      onClose={onClose}
      testId="save-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          {conflict ? <button type="button" className="button" onClick={() => submit(true)} data-testid="save-force">Save anyway</button> : null}
          <button type="button" className="button primary" onClick={() => submit()} disabled={save.isPending} data-testid="save-confirm">
            {save.isPending ? "Saving…" : errors ? "Save as draft" : "Save version"}
          </button>
        </>
      }
    >
      <div className={styles.field}>
        <label htmlFor="save-note">Note <span className={styles.muted}>(optional)</span></label>
        <input id="save-note" type="text" autoFocus value={note} maxLength={500} placeholder="What changed, e.g. “sort by revenue”" onChange={(e) => setNote(e.target.value)} onKeyDown={(e) => { if (e.key === "Enter") submit(); }} data-testid="save-note" />
      </div>
      {errors ? (
        <div className={styles.warningBox}>This plan has {errors} error{errors === 1 ? "" : "s"}. It is saved as a draft and cannot run until they are fixed.</div>
      ) : null}
      {save.error ? <div className={styles.errorBox} role="alert" data-testid="save-error">{save.error.message}</div> : null}
      <h3 className={styles.h3}>Changes since the version you started from</h3>
      {basePlan ? <DiffView diff={diffPlans(basePlan, plan)} testId="save-diff" /> : <p className={styles.muted}>Loading…</p>}
    </Dialog>
  );
}
