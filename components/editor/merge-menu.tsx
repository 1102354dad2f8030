"use client";
/**
 * When a connection is dropped on an input that is already bound to a reference, the person
 * says what it means: merge the branches (`firstOf`: the first that produces a value at run
 * time, for inputs fed by steps on different branches), or replace what the input had.
 */
import { useCallback, useRef } from "react";
import { planConnection } from "./connection-rules";
import { useActions, useEditor } from "./store-context";
import { useDismiss } from "./use-dismiss";
import styles from "./editor.module.css";

export function MergeMenuView() {
  const menu = useEditor((s) => s.mergeMenu);
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const { setMergeMenu, apply, toast } = useActions();
  const ref = useRef<HTMLDivElement>(null);

  const close = useCallback(() => setMergeMenu(null), [setMergeMenu]);
  useDismiss(ref, menu !== null, close);

  if (!menu) return null;
  const choose = (how: "merge" | "replace") => {
    const r = planConnection(plan, catalog, menu.connection);
    setMergeMenu(null);
    if (!r.ok) return toast("error", `Not connected: ${r.reason}`);
    if (how === "replace") return void apply(r.label, r.edit);
    if (!r.merge) return toast("error", `Not merged: ${menu.step}.${menu.input} has nothing to merge with.`);
    apply(r.merge.label, r.merge.edit);
  };
  const left = Math.min(menu.x + 8, window.innerWidth - 336);
  const top = Math.min(menu.y + 8, window.innerHeight - 140);
  return (
    <div ref={ref} className={styles.dropMenu} style={{ left, top }} role="menu" data-testid="merge-menu">
      <div className={styles.dropMenuTitle}>
        {menu.step}.{menu.input} is already connected
      </div>
      <button type="button" role="menuitem" className={styles.dropMenuItem} onClick={() => choose("merge")} data-testid="merge-option-merge">
        <span>Merge (first that produces a value)</span>
      </button>
      <button type="button" role="menuitem" className={styles.dropMenuItem} onClick={() => choose("replace")} data-testid="merge-option-replace">
        <span>Replace</span>
      </button>
    </div>
  );
}
