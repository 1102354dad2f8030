"use client";
/** The live list of planning events: one line per step of planning, the answer's progress updated in place. */
import type { PlanningEvent } from "@/lib/core/events";
import { describeEvent } from "./event-text";
import styles from "./goal-form.module.css";

export function PlanningEvents({ events, busy }: { events: readonly PlanningEvent[]; busy: boolean }) {
  // Times are the server's, counted from the first event, so the browser's clock does not matter.
  const origin = events.length ? Date.parse(events[0].at) : 0;
  // Progress ticks replace each other: only the latest one since the last request is shown.
  const shown: PlanningEvent[] = [];
  for (const e of events) {
    const last = shown[shown.length - 1];
    if (e.type === "planning.llm_progress" && last?.type === "planning.llm_progress") shown[shown.length - 1] = e;
    else shown.push(e);
  }
  return (
    <ol className={styles.events} data-testid="planning-events" aria-live="polite">
      {shown.map((e, i) => {
        const line = describeEvent(e);
        const t = Math.max(0, Date.parse(e.at) - origin);
        return (
          <li key={`${e.type}-${i}`} className={styles.event} data-type={e.type} data-tone={line.tone}>
            <span className={styles.dot} aria-hidden />
            <div className={styles.eventBody}>
              <div className={styles.eventTitle}>
                <span>{line.title}</span>
                <span className={styles.time}>{t < 1000 ? `${t} ms` : `${(t / 1000).toFixed(1)} s`}</span>
              </div>
              {line.detail ? <div className={styles.detail}>{line.detail}</div> : null}
              {line.items?.length ? (
                <details className={styles.items}>
                  <summary>What was fixed</summary>
                  <ul>{line.items.map((item, k) => <li key={k}>{item}</li>)}</ul>
                </details>
              ) : null}
            </div>
          </li>
        );
      })}
      {busy ? (
        <li className={`${styles.event} ${styles.pending}`} data-tone="muted">
          <span className={styles.spinner} aria-hidden />
          <div className={styles.eventBody}><div className={styles.eventTitle}><span>Working…</span></div></div>
        </li>
      ) : null}
    </ol>
  );
}
