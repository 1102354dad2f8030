"use client";
/**
 * The steps in the order they can run. Drag one (or use the arrows) to move it: the new
 * place becomes order-only dependencies where there is no data dependency, and a move that
 * would reverse a data dependency is refused with the reason (lib/core moveStep).
 */
import { useMemo, useState, type DragEvent } from "react";
import { moveStep, runOrder } from "@/lib/core/plan-edits";
import { stepTitles } from "@/lib/core/step-titles";
import { Icon } from "./icons";
import { useActions, useEditor } from "./store-context";
import { indexIssues } from "./step-view";
import { validationOf } from "./validation";
import styles from "./sidebar.module.css";

export function StepList() {
  const { apply, focusOn } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const selected = useEditor((s) => s.selectedSteps);
  const order = useMemo(() => runOrder(plan.steps), [plan.steps]);
  const issues = indexIssues(validationOf(plan, catalog).issues);
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const titles = useMemo(() => stepTitles(plan.steps, (a) => catalog.get(a)?.title), [plan.steps, catalog]);
  const [drag, setDrag] = useState<{ id: string; gap: number | null } | null>(null);

  const move = (id: string, to: number) => apply(`Move ${id} to position ${to + 1}`, (p) => moveStep(p, id, to));
  const gapAt = (e: DragEvent, index: number) => {
    const r = e.currentTarget.getBoundingClientRect();
    return e.clientY < r.top + r.height / 2 ? index : index + 1;
  };

  return (
    <div className={styles.tabBody}>
      <p className={styles.hint}>In run order. Drag a step to run it earlier or later; steps without a data dependency get an order-only one.</p>
      <ol className={`${styles.scroll} ${styles.stepList}`} data-testid="step-list">
        {order.map((id, index) => {
          const step = byId.get(id)!;
          const spec = catalog.get(step.action);
          const errs = issues.get(id)?.errors ?? 0;
          const from = drag ? order.indexOf(drag.id) : -1;
          return (
            <li
              key={id}
              className={`${styles.stepItem} ${selected.includes(id) ? styles.stepSelected : ""} ${drag?.id === id ? styles.dragging : ""} ${drag && drag.gap === index && from !== index && from !== index - 1 ? styles.dropBefore : ""} ${drag && drag.gap === index + 1 && index === order.length - 1 && from !== index ? styles.dropAfter : ""}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData("text/plain", id);
                e.dataTransfer.effectAllowed = "move";
                setDrag({ id, gap: null });
              }}
              onDragOver={(e) => {
                if (!drag) return;
                e.preventDefault();
                const gap = gapAt(e, index);
                if (gap !== drag.gap) setDrag({ ...drag, gap });
              }}
              onDrop={(e) => {
                e.preventDefault();
                if (!drag) return;
                const gap = gapAt(e, index);
                const f = order.indexOf(drag.id);
                const to = gap > f ? gap - 1 : gap;
                setDrag(null);
                if (to !== f) move(drag.id, to);
              }}
              onDragEnd={() => setDrag(null)}
              onClick={() => focusOn(id)}
              data-testid={`step-item-${id}`}
            >
              <span className={styles.grip} aria-hidden="true"><Icon name="grip" /></span>
              <span className={styles.stepIndex}>{index + 1}</span>
              <span className={styles.stepText}>
                <span className={styles.stepTitle}>{titles.get(id) ?? step.label ?? spec?.title ?? step.action}</span>
                <span className={styles.itemId}>{id}{step.after?.length ? ` · waits for ${step.after.join(", ")}` : ""}</span>
              </span>
              {errs ? <span className={styles.errCount} title={`${errs} error${errs === 1 ? "" : "s"}`}>{errs}</span> : null}
              <span className={styles.moveButtons}>
                <button type="button" title="Run earlier" disabled={index === 0} onClick={(e) => { e.stopPropagation(); move(id, index - 1); }} data-testid="step-up"><Icon name="chevronUp" size={13} /></button>
                <button type="button" title="Run later" disabled={index === order.length - 1} onClick={(e) => { e.stopPropagation(); move(id, index + 1); }} data-testid="step-down"><Icon name="chevronDown" size={13} /></button>
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
