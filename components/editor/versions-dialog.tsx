"use client";
/** Every saved version: restore one (as a new version, undoable here), or compare two, or one with the working copy. */
import { useState } from "react";
import { diffPlans } from "@/lib/core/plan-diff";
import type { PlanDetail, VersionSummary } from "./api";
import { Dialog } from "./dialog";
import { DiffView } from "./diff-view";
import { useRestoreVersion, useVersion, useVersionDiff, useVersions } from "./plan-bridge";
import { useActions, useEditor } from "./store-context";
import styles from "./dialogs.module.css";

const WORKING = "working";

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return iso.slice(0, 10);
}

export function VersionsDialog({ detail, onClose }: { detail: PlanDetail; onClose(): void }) {
  const planId = detail.plan.id;
  const { replacePlan, markSaved, toast } = useActions();
  const baseVersionId = useEditor((s) => s.baseVersionId);
  const versions = useVersions(planId, true);
  const restore = useRestoreVersion(planId);
  const list = versions.data?.versions ?? [];
  const [pair, setPair] = useState<{ from: string; to: string } | null>(null);
  const from = pair?.from ?? list[1]?.id ?? list[0]?.id ?? null;
  const to = pair?.to ?? (list.length > 1 ? list[0].id : WORKING);

  const doRestore = (v: VersionSummary) => {
    restore.mutate(v.id, {
      onSuccess: (r) => {
        replacePlan(`Restore v${v.number}`, r.version.plan);
        markSaved(r.version.id, r.version.hash);
        toast("success", `Restored v${v.number} as v${r.version.number}.`);
        onClose();
      },
      onError: (e) => toast("error", e.message),
    });
  };

  return (
    <Dialog title="Versions" subtitle="Each save is an immutable version. Restoring one saves it again as the newest; Undo brings your edits back." onClose={onClose} wide testId="versions-dialog">
      <div className={styles.versions}>
        <ol className={styles.versionList} data-testid="version-list">
          {versions.isPending ? <li className={styles.muted}>Loading…</li> : null}
          {versions.error ? <li className={styles.errorBox}>{versions.error.message}</li> : null}
          {list.map((v) => (
            <li key={v.id} className={`${styles.versionRow} ${v.id === to || v.id === from ? styles.versionPicked : ""}`} data-testid="version-row" data-version={v.number}>
              <div className={styles.versionTop}>
                <b>v{v.number}</b>
                {v.id === list[0]?.id ? <span className="badge brand">latest</span> : null}
                {v.id === baseVersionId ? <span className="badge">editing</span> : null}
                <span className={`badge ${v.valid ? "ok" : "warning"}`}>{v.valid ? "valid" : `draft · ${v.errorCount} error${v.errorCount === 1 ? "" : "s"}`}</span>
                <span className={styles.grow} />
                <span className={styles.muted} title={v.createdAt}>{ago(v.createdAt)}</span>
              </div>
              <div className={styles.versionNote} data-testid="version-note">{v.note ?? <span className={styles.muted}>No note</span>}</div>
              <div className={styles.versionMeta}>
                <span>{v.stepCount} steps · {v.source}{v.createdBy ? <> · by <span data-testid="version-by">{v.createdBy}</span></> : null}</span>
                <span className={styles.grow} />
                <button type="button" className={styles.smallButton} onClick={() => setPair({ from: v.id, to: WORKING })} title="Compare this version with the plan in the editor" data-testid="version-compare-working">Compare</button>
                {v.id !== list[0]?.id ? <button type="button" className={styles.smallButton} onClick={() => doRestore(v)} disabled={restore.isPending} data-testid="version-restore">Restore</button> : null}
              </div>
            </li>
          ))}
        </ol>
        <div className={styles.compare}>
          <div className={styles.compareBar}>
            <select value={from ?? ""} onChange={(e) => setPair({ from: e.target.value, to })} aria-label="From version" data-testid="diff-from">
              {list.map((v) => <option key={v.id} value={v.id}>v{v.number}{v.note ? ` · ${v.note}` : ""}</option>)}
            </select>
            <span className={styles.arrow}>→</span>
            <select value={to} onChange={(e) => setPair({ from: from ?? "", to: e.target.value })} aria-label="To version" data-testid="diff-to">
              <option value={WORKING}>Working copy</option>
              {list.map((v) => <option key={v.id} value={v.id}>v{v.number}{v.note ? ` · ${v.note}` : ""}</option>)}
            </select>
          </div>
          {from ? (to === WORKING ? <WorkingDiff planId={planId} from={from} /> : <ServerDiff planId={planId} from={from} to={to} />) : null}
        </div>
      </div>
    </Dialog>
  );
}

function ServerDiff({ planId, from, to }: { planId: string; from: string; to: string }) {
  const d = useVersionDiff(planId, from, to);
  if (d.isPending) return <p className={styles.muted}>Comparing…</p>;
  if (d.error) return <div className={styles.errorBox}>{d.error.message}</div>;
  return <DiffView diff={d.data.diff} />;
}

function WorkingDiff({ planId, from }: { planId: string; from: string }) {
  const plan = useEditor((s) => s.plan);
  const v = useVersion(planId, from);
  if (v.isPending) return <p className={styles.muted}>Comparing…</p>;
  if (v.error) return <div className={styles.errorBox}>{v.error.message}</div>;
  return <DiffView diff={diffPlans(v.data.version.plan, plan)} />;
}
