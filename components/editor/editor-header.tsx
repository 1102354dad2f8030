"use client";
/** The editor's bar: where you are, whether it is saved and valid, history, layout, versions, files, AI, save and run. */
import { useReactFlow } from "@xyflow/react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { openDisconnections } from "./disconnections";
import { PlanManage } from "./plan-manage";
import { SaveTemplateForm } from "./save-template-form";
import { StartRunForm } from "@/components/runs/start-run-form";
import type { PlanDetail } from "./api";
import { Icon, type IconName } from "./icons";
import { downloadJson, planFileName } from "./plan-json";
import { useActions, useEditor } from "./store-context";
import { hashOf, validationOf } from "./validation";
import styles from "./editor.module.css";
import { useCan } from "@/components/ui/access";

function ToolButton({ icon, label, onClick, disabled, testId, title }: { icon: IconName; label?: string; onClick(): void; disabled?: boolean; testId: string; title: string }) {
  return (
    <button type="button" className={label ? styles.toolText : styles.tool} onClick={onClick} disabled={disabled} title={title} aria-label={title} data-testid={testId}>
      <Icon name={icon} />
      {label ? <span>{label}</span> : null}
    </button>
  );
}

const SHORTCUTS: [string[], string][] = [
  [["Delete"], "Delete the selected steps or connections"],
  [["Ctrl/⌘ Z"], "Undo"],
  [["Ctrl/⌘ Shift Z"], "Redo (also Ctrl Y)"],
  [["Ctrl/⌘ A"], "Select every step"],
  [["Ctrl/⌘ C", "V"], "Copy and paste steps (also into another plan)"],
  [["Ctrl/⌘ D"], "Duplicate the selected steps"],
  [["Ctrl/⌘ S"], "Save a version"],
  [["Shift drag"], "Select steps with a box"],
  [["Esc"], "Clear the selection"],
];

export function EditorHeader({ detail }: { detail: PlanDetail }) {
  const actions = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const past = useEditor((s) => s.history.past.at(-1)?.label);
  const future = useEditor((s) => s.history.future.at(-1)?.label);
  const baseHash = useEditor((s) => s.baseHash);
  const baseVersionId = useEditor((s) => s.baseVersionId);
  const flow = useReactFlow();
  // `?run=1` (the run page's "New inputs…") opens on the run form.
  const [popover, setPopover] = useState<"run" | "keys" | "template" | "manage" | null>(useSearchParams().get("run") ? "run" : null);
  // Escape closes an open popover (before the canvas's Escape, which clears the selection).
  useEffect(() => {
    if (!popover) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      e.preventDefault();
      setPopover(null);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [popover]);
  const dirty = hashOf(plan) !== baseHash;
  const { issues } = validationOf(plan, catalog);
  const errors = issues.filter((i) => i.severity === "error").length;
  const notices = openDisconnections(useEditor((s) => s.disconnected), plan);
  const warnings = issues.filter((i) => i.severity === "warning").length + notices.length;
  const base = detail.latest.id === baseVersionId ? detail.latest : null;
  const newer = detail.latest.id !== baseVersionId;
  const version = base?.number ?? detail.latest.number;
  const canRun = !dirty && !errors && base !== null;
  // The UI offers what the person's role allows (the server checks every request anyway).
  const mayEdit = useCan("edit");
  const mayRun = useCan("run");

  return (
    <header className={styles.header}>
      <div className={styles.where}>
        <div className={styles.crumbs}>
          <Link href="/">Plans</Link>
          <span>/</span>
          <span className={styles.planTitle} title={detail.plan.title} data-testid="plan-title">{detail.plan.title}</span>
        </div>
        <div className={styles.state}>
          <span className={styles.version} data-testid="version-badge">v{version}</span>
          {base?.createdBy ?? detail.plan.createdBy ? <span className={styles.muted} data-testid="saved-by" title={detail.plan.createdBy ? `Created by ${detail.plan.createdBy}` : undefined}>by {base?.createdBy ?? detail.plan.createdBy}</span> : null}
          {!mayEdit ? <span className="badge" data-testid="read-only" title="Your role can see this plan, not change or run it">View only</span> : null}
          {detail.plan.archivedAt ? <span className="badge" data-testid="archived-badge" title="Left out of the plans list and the runs filter">Archived</span> : null}
          {dirty ? (
            <span className={styles.dirty} data-testid="save-state" data-dirty="true"><span className={styles.dirtyDot} />Unsaved changes</span>
          ) : (
            <span className={styles.saved} data-testid="save-state" data-dirty="false"><Icon name="check" size={12} />Saved</span>
          )}
          {newer ? (
            <button
              type="button"
              className={`badge warning ${styles.newer}`}
              title="A newer version was saved elsewhere while you edited. Click to load it (Undo brings your edits back)."
              onClick={() => {
                actions.replacePlan(`Load v${detail.latest.number}`, detail.latest.plan);
                actions.markSaved(detail.latest.id, detail.latest.hash);
              }}
              data-testid="load-newer"
            >
              v{detail.latest.number} saved elsewhere · load it
            </button>
          ) : null}
          <button type="button" className={`${styles.validity} ${errors ? styles.validityError : warnings ? styles.validityWarning : styles.validityOk}`} onClick={() => actions.setIssuesOpen(true)} data-testid={errors ? "plan-invalid" : "plan-valid"} data-errors={errors}>
            {errors ? `${errors} error${errors === 1 ? "" : "s"}` : warnings ? `Valid · ${warnings} warning${warnings === 1 ? "" : "s"}` : "Valid"}
          </button>
        </div>
      </div>

      <div className={styles.toolbar}>
        <ToolButton icon="undo" onClick={actions.undo} disabled={!past} title={past ? `Undo: ${past} (Ctrl/⌘ Z)` : "Nothing to undo"} testId="undo" />
        <ToolButton icon="redo" onClick={actions.redo} disabled={!future} title={future ? `Redo: ${future} (Ctrl/⌘ Shift Z)` : "Nothing to redo"} testId="redo" />
        <span className={styles.sep} />
        <ToolButton icon="layout" label="Auto-layout" onClick={actions.requestLayout} title="Arrange the steps from left to right" testId="auto-layout" />
        <ToolButton icon="fit" onClick={() => void flow.fitView({ padding: 0.12, maxZoom: 1, duration: 250 })} title="Fit the plan in view" testId="fit-view" />
        <span className={styles.sep} />
        <ToolButton icon="history" label="Versions" onClick={() => actions.openDialog("versions")} title="Versions: restore, compare" testId="open-versions" />
        <ToolButton icon="download" onClick={() => downloadJson(planFileName(detail.plan.title, version), plan)} title="Export the plan as JSON" testId="export-json" />
        {mayEdit ? (
          <>
            <ToolButton icon="upload" onClick={() => actions.openDialog("import")} title="Import a plan's JSON" testId="open-import" />
            <ToolButton icon="save" onClick={() => setPopover(popover === "template" ? null : "template")} title="Save as a template" testId="open-save-template" />
          </>
        ) : null}
        <ToolButton icon="keyboard" onClick={() => setPopover(popover === "keys" ? null : "keys")} title="Keyboard shortcuts" testId="open-shortcuts" />
        {mayEdit ? <ToolButton icon="trash" onClick={() => setPopover(popover === "manage" ? null : "manage")} title="Archive or delete the plan" testId="open-manage" /> : null}
        {mayEdit ? (
          <>
            <span className={styles.sep} />
            <button type="button" className={styles.aiButton} onClick={() => actions.openDialog("refine")} data-testid="open-refine">
              <Icon name="sparkles" /> Refine with AI
            </button>
          </>
        ) : null}
      </div>

      <div className={styles.commit}>
        {mayEdit ? (
          <button type="button" className={`button ${dirty ? "primary" : ""}`} onClick={() => actions.openDialog("save")} data-testid="save-button" title="Save a new version (Ctrl/⌘ S)">
            <Icon name="save" /> Save
          </button>
        ) : null}
        {mayRun ? (
          <button type="button" className={`button ${canRun ? "primary" : ""} ${styles.runButton}`} onClick={() => setPopover(popover === "run" ? null : "run")} data-testid="open-run" aria-expanded={popover === "run"}>
            <Icon name="link" /> Run
          </button>
        ) : null}
      </div>

      {popover === "run" ? (
        <div className={styles.popover} data-testid="run-popover">
          <div className={styles.popoverHead}>
            <b>Run v{version}</b>
            <button type="button" onClick={() => setPopover(null)} aria-label="Close"><Icon name="close" /></button>
          </div>
          {dirty ? <p className={styles.popoverNote}>You have unsaved changes: save them first to run what you see.</p> : null}
          {errors ? <p className={styles.popoverNote}>The plan has {errors} error{errors === 1 ? "" : "s"}. A draft cannot run until they are fixed.</p> : null}
          <StartRunForm key={baseVersionId} planId={detail.plan.id} versionId={baseVersionId} inputs={base?.plan.inputs ?? []} valid={canRun} />
        </div>
      ) : null}
      {popover === "template" ? (
        <div className={styles.popover} data-testid="template-popover">
          <div className={styles.popoverHead}>
            <b>Save v{version} as a template</b>
            <button type="button" onClick={() => setPopover(null)} aria-label="Close"><Icon name="close" /></button>
          </div>
          {dirty ? <p className={styles.popoverNote}>Unsaved changes are not part of the template: save them first.</p> : null}
          <SaveTemplateForm planId={detail.plan.id} versionId={baseVersionId} defaultName={detail.plan.title} />
        </div>
      ) : null}
      {popover === "manage" ? (
        <div className={styles.popover} data-testid="manage-popover">
          <div className={styles.popoverHead}>
            <b>Archive or delete</b>
            <button type="button" onClick={() => setPopover(null)} aria-label="Close"><Icon name="close" /></button>
          </div>
          <PlanManage detail={detail} />
        </div>
      ) : null}
      {popover === "keys" ? (
        <div className={`${styles.popover} ${styles.keysPopover}`} data-testid="shortcuts">
          <div className={styles.popoverHead}>
            <b>Keyboard shortcuts</b>
            <button type="button" onClick={() => setPopover(null)} aria-label="Close"><Icon name="close" /></button>
          </div>
          <dl className={styles.keys}>
            {SHORTCUTS.map(([keys, v]) => (
              <div key={v}><dt>{keys.map((k) => <kbd key={k}>{k}</kbd>)}</dt><dd>{v}</dd></div>
            ))}
          </dl>
        </div>
      ) : null}
    </header>
  );
}
