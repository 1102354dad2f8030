"use client";
/**
 * Which remembered plan a plan version started from (offline planning), which ones chose some of
 * its actions (offline planning), or which ones the LLM saw as examples, with a way to forget
 * the one it started from: planning then no longer recalls it. Shown over the editor's canvas
 * for a version that planning made with memory.
 */
import Link from "next/link";
import { useState } from "react";
import type { MemoryRef, MemoryUse } from "@/lib/planner/memory/remembered-plan";
import { forgetMemoryAction } from "@/app/actions";
import styles from "./memory-note.module.css";

export function MemoryNote({ memory }: { memory: MemoryUse | undefined }) {
  const [closed, setClosed] = useState(false);
  const [state, setState] = useState<"idle" | "forgetting" | "forgotten" | { error: string }>("idle");
  const from = memory?.startedFrom;
  const examples = memory?.examples ?? [];
  const informedBy = memory?.informedBy ?? [];
  const chose = memory?.chose ?? [];
  if (closed || (!from && !examples.length && !informedBy.length && !chose.length)) return null;

  async function forget(ref: MemoryRef) {
    setState("forgetting");
    const r = await forgetMemoryAction(ref.id);
    setState(r.ok ? "forgotten" : { error: r.error });
  }

  return (
    <div className={styles.note} role="status" data-testid="memory-note" data-memory-id={from?.id ?? ""}>
      {from ? (
        <>
          <span className={styles.label}>Started from remembered plan</span>
          <span className={styles.goal} title={from.goal}>
            {from.planId ? <Link href={`/plans/${from.planId}`}>{from.goal}</Link> : from.goal}
          </span>
          <span className={styles.similar} title="How similar the two goals' words are">{Math.round(from.similarity * 100)}% similar</span>
          {state === "forgotten" ? (
            <span className={styles.similar} data-testid="memory-forgotten" title="Planning will not recall it again">Forgotten</span>
          ) : (
            <button type="button" className={styles.forget} onClick={() => void forget(from)} disabled={state === "forgetting"} data-testid="memory-forget" title="Planning will no longer start from this plan or show it as an example">
              {state === "forgetting" ? "Forgetting…" : "Forget it"}
            </button>
          )}
          {typeof state === "object" ? <span className="subtle" role="alert">{state.error}</span> : null}
        </>
      ) : informedBy.length || chose.length ? (
        <span className={styles.label} title={[...chose, ...(informedBy.length ? ["", ...informedBy.map((e) => e.goal)] : [])].join("\n")} data-testid="memory-informed">
          Remembered plans for requests worded like this one made {chose.length} choice{chose.length === 1 ? "" : "s"} in this plan
          {informedBy.length ? ` (plans such as “${informedBy[0].goal.length > 60 ? `${informedBy[0].goal.slice(0, 57)}…` : informedBy[0].goal}”)` : ""}
        </span>
      ) : (
        <span className={styles.label} title={examples.map((e) => e.goal).join("\n")}>
          The planner saw {examples.length} remembered plan{examples.length === 1 ? "" : "s"} for similar goals as examples
        </span>
      )}
      <button type="button" className={styles.close} onClick={() => setClosed(true)} aria-label="Hide">×</button>
    </div>
  );
}
