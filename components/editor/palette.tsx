"use client";
/** The actions of the plan's flows, searchable. Click adds a step (after the selected one); drag drops it on the canvas. */
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import type { ActionSpec } from "@/lib/core/action";
import { ACTION_DRAG_TYPE } from "./canvas";
import { Icon } from "./icons";
import { useActions, useEditor } from "./store-context";
import styles from "./sidebar.module.css";

function matches(spec: ActionSpec, words: string[]): boolean {
  const hay = `${spec.id} ${spec.title} ${spec.description}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export function Palette() {
  const { addAction } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const selected = useEditor((s) => (s.selectedSteps.length === 1 ? s.selectedSteps[0] : null));
  const flow = useReactFlow();
  const [query, setQuery] = useState("");
  const [everything, setEverything] = useState(false);
  const scoped = plan.flows.length > 0 && !everything;

  const groups = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const specs = (scoped ? catalog.forFlows(plan.flows) : catalog).list().filter((s) => matches(s, words));
    const byFlow = new Map<string, ActionSpec[]>();
    for (const s of specs) {
      const f = s.flows[0] ?? "global";
      byFlow.set(f, [...(byFlow.get(f) ?? []), s]);
    }
    return [...byFlow.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [catalog, plan.flows, query, scoped]);

  const add = (id: string) => {
    if (selected) {
      addAction(id, { after: selected });
      return;
    }
    const rect = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const at = rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2 - 140, y: rect.top + rect.height / 2 - 60 }) : { x: 0, y: 0 };
    addAction(id, { at });
  };

  return (
    <div className={styles.tabBody}>
      <div className={styles.search}>
        <Icon name="search" />
        <input type="search" placeholder="Search actions" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="palette-search" aria-label="Search actions" />
      </div>
      <p className={styles.hint}>
        {selected ? <>Click to add after <b>{selected}</b>, connected where the types fit; or drag onto the canvas.</> : <>Click to add a step, or drag one onto the canvas. Select a step first to add after it.</>}
      </p>
      {plan.flows.length ? (
        <label className={styles.toggle}>
          <input type="checkbox" checked={everything} onChange={(e) => setEverything(e.target.checked)} />
          Show actions of other flows too
        </label>
      ) : null}
      <div className={styles.scroll}>
        {groups.length === 0 ? <p className={styles.empty}>No action matches “{query}”.</p> : null}
        {groups.map(([flowName, specs]) => (
          <section key={flowName} className={styles.group}>
            <h4 className={styles.groupTitle}>{flowName}</h4>
            {specs.map((s) => (
              <button
                key={s.id}
                type="button"
                className={styles.paletteItem}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(ACTION_DRAG_TYPE, s.id);
                  e.dataTransfer.effectAllowed = "copy";
                }}
                onClick={() => add(s.id)}
                title={s.unavailable ? `Cannot run now: ${s.unavailable}` : s.description}
                data-testid={`palette-item-${s.id}`}
                data-unavailable={s.unavailable ? "true" : undefined}
                style={s.unavailable ? { opacity: 0.6 } : undefined}
              >
                <span className={styles.itemTop}>
                  <span className={styles.itemTitle}>{s.title}</span>
                  <span className={`${styles.effect} ${styles[`effect_${s.effect}`]}`}>{s.effect}</span>
                </span>
                <span className={styles.itemId}>{s.id}</span>
                <span className={styles.itemDesc}>{s.unavailable ? `Unavailable: ${s.unavailable}` : s.description}</span>
              </button>
            ))}
          </section>
        ))}
      </div>
    </div>
  );
}
