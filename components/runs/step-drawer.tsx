"use client";
import type { ActionSpec } from "@/lib/core/action";
import type { Step } from "@/lib/core/plan";
import type { StepView } from "@/lib/core/run-view";
import { APPROVAL_REASON_TEXT } from "@/lib/core/approval-gate";
import { ApprovalPanel } from "./approval-panel";
import { StepPreview } from "./dry-run";
import { StatusBadge, formatDuration } from "./status";
import { ValueView } from "./value-view";
import { useCan } from "@/components/ui/access";
import { ChildRunPanel, type ChildRunRef } from "./child-run-panel";
import { StepItems } from "./step-items";

/** Everything about one step of the run: input, output, logs, attempts, errors and why it skipped. */
export function StepDrawer({ runId, step, spec, view, now, onClose, onSelect, childRuns, lastSeq }: { runId: string; step: Step; spec?: ActionSpec; view: StepView; now: number; onClose(): void; onSelect(id: string): void; childRuns?: ChildRunRef[]; lastSeq?: number }) {
  const start = view.startedAt ? Date.parse(view.startedAt) : null;
  const end = view.finishedAt ? Date.parse(view.finishedAt) : now;
  const canApprove = useCan("approve");
  return (
    <aside className="drawer card" data-testid="step-drawer" aria-label={`Step ${step.id}`}>
      <div className="card-header">
        <div>
          <div className="subtle mono">{step.id}</div>
          <h2>{step.label ?? spec?.title ?? step.action}</h2>
        </div>
        <div className="row">
          <StatusBadge status={view.status} testId="drawer-status" />
          <button className="button ghost" onClick={onClose} aria-label="Close">✕</button>
        </div>
      </div>
      <div className="drawer-body">
        <dl className="facts">
          <dt>Action</dt><dd className="mono">{step.action}{spec ? ` · ${spec.effect}` : ""}</dd>
          <dt>Attempts</dt><dd>{view.attempts}</dd>
          {start !== null ? (<><dt>Duration</dt><dd>{formatDuration(end - start)}{view.finishedAt ? "" : " so far"}</dd></>) : null}
          {view.usage ? (<><dt>Tokens</dt><dd>{view.usage.promptTokens} in · {view.usage.completionTokens} out</dd></>) : null}
          {view.reusedFromRunId ? (<><dt>Reused</dt><dd>output from an earlier run</dd></>) : null}
          {view.approval ? (<><dt>Approval</dt><dd>{view.approval.decision}{view.approval.by ? ` by ${view.approval.by}` : ""}{view.approval.comment ? `: “${view.approval.comment}”` : ""}</dd></>) : null}
        </dl>

        {step.action.startsWith("plan.") ? <ChildRunPanel runId={runId} stepId={step.id} stepStatus={view.status} initial={childRuns ?? []} lastSeq={lastSeq ?? 0} /> : null}

        {view.status === "awaiting_approval" && view.waitingFor?.length ? (
          <p className="subtle" data-testid="approval-reasons">Waits for approval because {view.waitingFor.map((r) => APPROVAL_REASON_TEXT[r]).join("; and ")}.</p>
        ) : null}
        {view.status === "awaiting_approval" ? (canApprove ? <ApprovalPanel runId={runId} stepId={step.id} input={view.input} schema={spec?.input} /> : <p className="notice" data-testid="approval-not-yours">This step waits for a person with the approver role.</p>) : null}

        {view.failure && view.status !== "succeeded" ? (
          <section className="root-cause" data-testid="step-failure">
            <div className="root-cause-title">{view.status === "retrying" ? `Attempt ${view.attempts} failed; retrying` : "This step failed"}{view.usedFallback ? " (its fallback output was used)" : ""}</div>
            <div>{view.failure.message}</div>
            <div className="subtle mono">{view.failure.code}{view.failure.actionCode ? ` · ${view.failure.actionCode}` : ""}{view.failure.retryable ? " · retryable" : ""}</div>
          </section>
        ) : null}
        {view.status === "skipped" ? (
          <section className="skip-note" data-testid="step-skip">
            Skipped: {view.skipReason}
            {view.cause && view.cause !== step.id ? (
              <> — caused by <button className="linkish" onClick={() => onSelect(view.cause!)}>{view.cause}</button></>
            ) : null}
          </section>
        ) : null}
        {view.preview ? <StepPreview preview={view.preview} /> : null}
        {view.undone ? <section className="skip-note">Rolled back: {view.undone.ok ? "undone" : `undo failed: ${view.undone.error}`}</section> : null}

        {step.forEach ? <StepItems items={view.items ?? []} count={view.itemCount} /> : null}

        {/* What the step produced comes first; what it was given is one click away. */}
        <h3>Output</h3>
        {view.output !== undefined ? <div data-testid="step-output"><ValueView value={view.output} runId={runId} /></div> : <div className="subtle">No output{view.status === "running" ? " yet" : ""}.</div>}
        <details className="drawer-input" data-testid="step-input">
          <summary><h3>Input</h3></summary>
          {view.input !== undefined ? <ValueView value={view.input} runId={runId} /> : <div className="subtle">Not resolved yet.</div>}
        </details>
        <h3>Logs</h3>
        {view.logs.length ? (
          <ol className="logs">
            {view.logs.map((l, i) => (
              <li key={i} className={`log-${l.level}`}><span className="subtle mono">{l.at.slice(11, 23)}</span> {l.item !== undefined ? <span className="subtle mono">[item {l.item}] </span> : null}{l.message}</li>
            ))}
          </ol>
        ) : <div className="subtle">No logs.</div>}
      </div>
    </aside>
  );
}
