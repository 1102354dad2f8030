"use client";
/**
 * The visual plan editor, mounted by /plans/[id]. One store per mounted editor (the working
 * copy, history and view state); TanStack Query holds the server copy; plan-bridge.ts is the
 * only way between them. See README.md in this folder for the data flow.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import type { ActionSpec } from "@/lib/core/action";
import type { PlanDetail } from "./api";
import { Canvas } from "./canvas";
import { createEditorStore, type EditorStore, type XY } from "./editor-store";
import { EditorHeader } from "./editor-header";
import { GoalCoverage } from "./goal-coverage";
import { ImportDialog } from "./import-dialog";
import { Inspector } from "./inspector";
import { IssuesPanel } from "./issues-panel";
import { Icon } from "./icons";
import { usePlanDetail } from "./plan-bridge";
import { planFileName } from "./plan-json";
import { RefineDialog } from "./refine-dialog";
import { SaveDialog } from "./save-dialog";
import { Sidebar } from "./sidebar";
import { EditorStoreProvider, useActions, useEditor, useEditorStore } from "./store-context";
import { Toasts } from "./toasts";
import { useShortcuts } from "./use-shortcuts";
import { hashOf } from "./validation";
import { VersionsDialog } from "./versions-dialog";
import { MemoryNote } from "@/components/planning/memory-note";
import styles from "./editor.module.css";

export type Planner = { kind: "llm"; model: string } | { kind: "offline" };

export interface PlanEditorProps {
  detail: PlanDetail;
  catalog: ActionSpec[];
  planner: Planner;
  /** positions laid out on the server for the first paint */
  positions?: Record<string, XY>;
}

export function PlanEditor({ detail, catalog, planner, positions }: PlanEditorProps) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }));
  const [store] = useState<EditorStore>(() =>
    createEditorStore({ planId: detail.plan.id, plan: detail.latest.plan, versionId: detail.latest.id, versionHash: detail.latest.hash, catalog, positions }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <EditorStoreProvider store={store}>
        <ReactFlowProvider>
          <EditorFrame initial={detail} planner={planner} />
        </ReactFlowProvider>
      </EditorStoreProvider>
    </QueryClientProvider>
  );
}

function EditorFrame({ initial, planner }: { initial: PlanDetail; planner: Planner }) {
  const store = useEditorStore();
  const detail = usePlanDetail(initial.plan.id, initial).data;
  const dialog = useEditor((s) => s.dialog);
  const collapsed = useEditor((s) => s.collapsed);
  const baseVersionId = useEditor((s) => s.baseVersionId);
  const { openDialog, togglePanel } = useActions();
  useShortcuts(store);
  useUnsavedWarning(store);
  const close = () => openDialog(null);
  return (
    <div className={`${styles.editor} ${collapsed.left ? styles.leftCollapsed : ""} ${collapsed.right ? styles.rightCollapsed : ""}`} data-testid="plan-editor">
      <EditorHeader detail={detail} />
      <aside className={styles.left}><Sidebar /></aside>
      <div className={styles.center}>
        <button type="button" className={`${styles.panelToggle} ${styles.panelToggleLeft}`} onClick={() => togglePanel("left")} aria-expanded={!collapsed.left} title={collapsed.left ? "Show the palette, steps and inputs panel" : "Hide the left panel"} aria-label={collapsed.left ? "Show the left panel" : "Hide the left panel"} data-testid="toggle-left-panel">
          <Icon name={collapsed.left ? "chevronRight" : "chevronLeft"} size={12} />
        </button>
        <button type="button" className={`${styles.panelToggle} ${styles.panelToggleRight}`} onClick={() => togglePanel("right")} aria-expanded={!collapsed.right} title={collapsed.right ? "Show the inspector" : "Hide the inspector"} aria-label={collapsed.right ? "Show the inspector" : "Hide the inspector"} data-testid="toggle-right-panel">
          <Icon name={collapsed.right ? "chevronLeft" : "chevronRight"} size={12} />
        </button>
        <GoalCoverage coverage={detail.coverage} />
        <Canvas />
        {detail.latest.id === baseVersionId ? <MemoryNote memory={detail.latest.memory} /> : null}
        <Toasts />
        <IssuesPanel />
      </div>
      <aside className={styles.right}><Inspector /></aside>
      {dialog === "save" ? <SaveDialog detail={detail} onClose={close} /> : null}
      {dialog === "versions" ? <VersionsDialog detail={detail} onClose={close} /> : null}
      {dialog === "refine" ? <RefineDialog planId={detail.plan.id} planner={planner} onClose={close} /> : null}
      {dialog === "import" ? <ImportDialog fileName={planFileName(detail.plan.title, detail.latest.number)} onClose={close} /> : null}
    </div>
  );
}

/** Leaving the page with unsaved edits asks first. */
function useUnsavedWarning(store: EditorStore) {
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      const { plan, baseHash } = store.getState();
      if (hashOf(plan) === baseHash) return;
      e.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [store]);
}
