"use client";
/** Refine with AI: the planner proposes a changed plan; the change is shown as a diff to accept (one undo entry) or reject. */
import { useState } from "react";
import { Dialog } from "./dialog";
import { DiffView } from "./diff-view";
import { Icon } from "./icons";
import { useRefine } from "./plan-bridge";
import { useActions, useEditor } from "./store-context";
import styles from "./dialogs.module.css";

const EXAMPLES = ["Add a step that writes the report to a file", "Filter rows where region is North first", "Also summarize the result"];

export function RefineDialog({ planId, planner, onClose }: { planId: string; planner: { kind: "llm"; model: string } | { kind: "offline" }; onClose(): void }) {
  const { replacePlan, toast } = useActions();
  const plan = useEditor((s) => s.plan);
  const [instruction, setInstruction] = useState("");
  const refine = useRefine(planId);
  const result = refine.data;
  const propose = () => instruction.trim().length >= 3 && refine.mutate({ instruction: instruction.trim(), plan });
  const accept = () => {
    if (!result) return;
    replacePlan(`AI: ${instruction.trim()}`, result.plan);
    toast("success", "Applied the proposal. Undo takes it back in one step.");
    onClose();
  };
  return (
    <Dialog
      title="Refine with AI"
      subtitle={planner.kind === "llm" ? `The planner (${planner.model}) edits the plan as you say; you review the change before anything is applied.` : "The offline planner edits the plan as you say (set OPENAI_API_KEY for an LLM); you review the change before anything is applied."}
      onClose={onClose}
      wide
      testId="refine-dialog"
      footer={
        result ? (
          <>
            <button type="button" className="button" onClick={() => refine.reset()} data-testid="refine-reject">Reject</button>
            <button type="button" className="button primary" onClick={accept} disabled={result.diff.same} data-testid="refine-accept"><Icon name="check" /> Accept changes</button>
          </>
        ) : (
          <>
            <button type="button" className="button" onClick={onClose}>Cancel</button>
            <button type="button" className="button primary" onClick={propose} disabled={refine.isPending || instruction.trim().length < 3} data-testid="refine-submit">
              <Icon name="sparkles" /> {refine.isPending ? "Planning…" : "Propose changes"}
            </button>
          </>
        )
      }
    >
      {!result ? (
        <>
          <div className={styles.field}>
            <label htmlFor="refine-instruction">What should change?</label>
            <textarea id="refine-instruction" autoFocus rows={3} value={instruction} onChange={(e) => setInstruction(e.target.value)} placeholder="e.g. add a step that writes the report to a file"
              onKeyDown={(e) => { if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) propose(); }} data-testid="refine-instruction" />
          </div>
          <div className={styles.examples}>
            {EXAMPLES.map((x) => <button key={x} type="button" className={styles.smallButton} onClick={() => setInstruction(x)}>{x}</button>)}
          </div>
          {refine.error ? <div className={styles.errorBox} role="alert" data-testid="refine-error">{refine.error.message}</div> : null}
        </>
      ) : (
        <div data-testid="refine-proposal">
          <div className={result.valid ? styles.okBox : styles.warningBox}>
            {result.valid ? "The proposed plan checks out." : `The proposed plan has ${result.issues.filter((i) => i.severity === "error").length} error(s); you can accept it and fix them here.`}
          </div>
          {result.notes.length ? <ul className={styles.notes}>{result.notes.map((n) => <li key={n}>{n}</li>)}</ul> : null}
          <DiffView diff={result.diff} testId="refine-diff" />
        </div>
      )}
    </Dialog>
  );
}
