"use client";
/** The left panel: add steps, the step list in run order, and the plan's inputs. */
import { Palette } from "./palette";
import { PlanInputsPanel } from "./plan-inputs-panel";
import { StepList } from "./step-list";
import { useActions, useEditor } from "./store-context";
import type { SidebarTab } from "./editor-store";
import styles from "./sidebar.module.css";

export function Sidebar() {
  const tab = useEditor((s) => s.sidebar);
  const steps = useEditor((s) => s.plan.steps.length);
  const inputs = useEditor((s) => s.plan.inputs.length);
  const { setSidebar } = useActions();
  const tabs: { id: SidebarTab; label: string; count?: number }[] = [
    { id: "add", label: "Add" },
    { id: "steps", label: "Steps", count: steps },
    { id: "inputs", label: "Inputs", count: inputs },
  ];
  return (
    <div className={styles.sidebar}>
      <div className={styles.tabs} role="tablist">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? styles.tabOn : styles.tab} onClick={() => setSidebar(t.id)} data-testid={`tab-${t.id}`}>
            {t.label}
            {t.count !== undefined ? <span className={styles.count}>{t.count}</span> : null}
          </button>
        ))}
      </div>
      {tab === "add" ? <Palette /> : tab === "steps" ? <StepList /> : <PlanInputsPanel />}
    </div>
  );
}
