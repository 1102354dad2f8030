"use client";
/** When a connection is dropped on a step's body and several of its handles fit, the person picks one here. */
import { useCallback, useRef } from "react";
import { describeType } from "@/lib/core/json-schema";
import { sourceSchema, targetSchema } from "@/lib/core/plan-edits";
import { planConnection } from "./connection-rules";
import { sourceFromHandle, targetFromHandle } from "./handles";
import { useActions, useEditor } from "./store-context";
import { useDismiss } from "./use-dismiss";
import styles from "./editor.module.css";

export function DropMenuView() {
  const menu = useEditor((s) => s.dropMenu);
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const { setDropMenu, apply, toast } = useActions();
  const ref = useRef<HTMLDivElement>(null);

  const close = useCallback(() => setDropMenu(null), [setDropMenu]);
  useDismiss(ref, menu !== null, close);

  if (!menu) return null;
  const pick = (handle: string) => {
    const c = menu.from.type === "source"
      ? { source: menu.from.nodeId, sourceHandle: menu.from.handleId, target: menu.nodeId, targetHandle: handle }
      : { source: menu.nodeId, sourceHandle: handle, target: menu.from.nodeId, targetHandle: menu.from.handleId };
    const r = planConnection(plan, catalog, c);
    if (r.ok) apply(r.label, r.edit);
    else toast("error", `Not connected: ${r.reason}`);
    setDropMenu(null);
  };
  const label = (handle: string) => {
    if (menu.from.type === "source") {
      const t = targetFromHandle(menu.nodeId, handle);
      const schema = t ? targetSchema(plan, catalog, t) : { error: "" };
      return { name: t?.input ?? handle, type: "error" in schema ? "" : describeType(schema.schema), bound: Boolean(t && plan.steps.find((s) => s.id === t.step)?.inputs[t.input]) };
    }
    const src = sourceFromHandle(menu.nodeId, handle);
    const schema = src ? sourceSchema(plan, catalog, src) : { error: "" };
    return { name: src?.kind === "step" ? (src.path?.[0] ? String(src.path[0]) : "output") : src?.name ?? handle, type: "error" in schema ? "" : describeType(schema.schema), bound: false };
  };
  // Unset inputs first: those are what a new connection is usually for.
  const options = menu.handles.map((h) => ({ handle: h, ...label(h) })).sort((a, b) => Number(a.bound) - Number(b.bound));
  const left = Math.min(menu.x + 8, window.innerWidth - 336);
  const top = Math.min(menu.y + 8, window.innerHeight - 40 - Math.min(320, 34 + options.length * 32));
  return (
    <div ref={ref} className={styles.dropMenu} style={{ left, top }} role="menu" data-testid="drop-menu">
      <div className={styles.dropMenuTitle}>Connect to {menu.nodeId}</div>
      {options.map((l) => {
        const h = l.handle;
        return (
          <button key={h} type="button" role="menuitem" className={styles.dropMenuItem} onClick={() => pick(h)} data-testid={`drop-option-${l.name}`}>
            <span>{l.name}{l.bound ? <em> (replaces its value)</em> : null}</span>
            <code>{l.type}</code>
          </button>
        );
      })}
    </div>
  );
}
