"use client";
/**
 * The run's re-plans: each one with why and what it changed (the steps added, removed and
 * changed; the field-by-field diff of the two versions on demand), Accept / Reject while one
 * waits for a person, and "Re-plan from here" on a failed run. The server checks every decision
 * (permission "run"); this only offers it.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { decideReplanAction, replanRunAction } from "@/app/actions";
import { createClient } from "@/lib/contract/client";
import type { ReplanEntry, RunView } from "@/lib/core/run-view";
import { useCan } from "@/components/ui/access";
import { runQueryKey } from "./use-run-view";

const client = createClient();

export function ReplanPanel({ runId, planId, view }: { runId: string; planId: string; view: RunView }) {
  const router = useRouter();
  const qc = useQueryClient();
  const canRun = useCan("run");
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const entries = view.replans ?? [];
  const last = entries.at(-1);
  const waiting = view.status === "awaiting_approval" && last?.kind === "proposed";
  const replanned = entries.filter((e) => e.kind === "replanned").length;
  // a failed run, or one that waits for a step's approval (that step is re-planned)
  const canReplan = canRun && !waiting && (view.status === "failed" || (view.status === "awaiting_approval" && Object.values(view.steps).some((s) => s.status === "awaiting_approval")));
  // The page's plan is the version the run ran when it was rendered: a re-plan brings the new one.
  useEffect(() => {
    if (replanned) router.refresh();
  }, [replanned, router]);
  if (!entries.length && !canReplan) return null;

  const act = (fn: () => Promise<{ ok: true } | { ok: false; error: string }>) =>
    start(async () => {
      setError(null);
      const r = await fn();
      if (!r.ok) { setError(r.error); return; }
      // The run's state changed on the server (a failed run waits, a decided one goes on): read it again.
      await qc.invalidateQueries({ queryKey: runQueryKey(runId) });
      router.refresh();
    });

  return (
    <section className="card" data-testid="replan-panel">
      <div className="card-header"><h2>Re-plans</h2></div>
      <div className="card-body stack">
        {/* A proposal that was accepted is shown once, as the re-plan it became. */}
        {entries.map((e, i) => (e.kind === "proposed" && entries.slice(i + 1).some((x) => x.kind === "replanned" && x.planVersionId === e.planVersionId) ? null : <ReplanItem key={i} entry={e} planId={planId} />))}
        {waiting && canRun ? (
          <div className="notice warning" data-testid="replan-waiting">
            The re-plan waits for a decision. Accepted, the run goes on with it; rejected, the run fails as it would have.
            <div className="row" style={{ marginTop: 8 }}>
              <button className="button primary" disabled={pending} onClick={() => act(() => decideReplanAction(runId, { decision: "accept" }))} data-testid="replan-accept">Accept</button>
              <button className="button danger" disabled={pending} onClick={() => act(() => decideReplanAction(runId, { decision: "reject" }))} data-testid="replan-reject">Reject</button>
            </div>
          </div>
        ) : null}
        {canReplan ? (
          <div className="row">
            <button className="button" disabled={pending} onClick={() => act(() => replanRunAction(runId))} data-testid="replan-from-here">Re-plan from here</button>
            <span className="subtle">The planner proposes a new way for the steps that did not run{view.status === "failed" ? "" : ", the one waiting for approval included"}; the steps that finished are kept. The proposal waits for your decision.</span>
          </div>
        ) : null}
        {error ? <div className="error-box" role="alert" data-testid="replan-error">{error}</div> : null}
      </div>
    </section>
  );
}

function ReplanItem({ entry, planId }: { entry: ReplanEntry; planId: string }) {
  const [open, setOpen] = useState(false);
  if (entry.kind === "rejected") {
    return <div className="subtle" data-testid="replan-entry" data-kind="rejected">The re-plan was rejected{entry.by ? ` by ${entry.by}` : ""}{entry.comment ? `: ${entry.comment}` : ""}.</div>;
  }
  const s = entry.summary;
  return (
    <div data-testid="replan-entry" data-kind={entry.kind}>
      <div>
        <strong>Re-plan {entry.replan}</strong> <span className="subtle">({entry.source}{entry.kind === "proposed" ? ", proposed" : entry.by ? `, accepted by ${entry.by}` : ""})</span>
        {entry.failedStepId ? <> after step <code>{entry.failedStepId}</code> failed</> : null}
      </div>
      {entry.reason ? <div className="subtle">{entry.reason}</div> : null}
      {s ? (
        <ul className="replan-summary" data-testid="replan-summary">
          {s.changed.length ? <li>Changed: {s.changed.map((id) => <code key={id}>{id} </code>)}</li> : null}
          {s.added.length ? <li>Added: {s.added.map((id) => <code key={id}>{id} </code>)}</li> : null}
          {s.removed.length ? <li>Removed: {s.removed.map((id) => <code key={id}>{id} </code>)}</li> : null}
        </ul>
      ) : null}
      {entry.fromVersionId ? <button className="linkish" onClick={() => setOpen(!open)} data-testid="replan-diff-toggle">{open ? "Hide the diff" : "Show the diff"}</button> : null}
      {open && entry.fromVersionId ? <ReplanDiff planId={planId} from={entry.fromVersionId} to={entry.planVersionId} /> : null}
    </div>
  );
}

function ReplanDiff({ planId, from, to }: { planId: string; from: string; to: string }) {
  const { data, error } = useQuery({ queryKey: ["plan", planId, "diff", from, to], queryFn: () => client.call("diffVersions", { params: { id: planId }, query: { from, to } }), staleTime: Infinity });
  if (error) return <div className="error-box">{(error as Error).message}</div>;
  if (!data) return <div className="subtle">Loading the diff…</div>;
  const { steps } = data.diff;
  return (
    <ul className="replan-diff" data-testid="replan-diff">
      {steps.changed.map((c) => (
        <li key={c.id}><code>{c.id}</code>: {c.changes.map((f, i) => <span key={f.field}>{i ? "; " : " "}{f.field} <s>{f.before ?? "—"}</s> → {f.after ?? "—"}</span>)}</li>
      ))}
      {steps.added.map((st) => <li key={st.id}>added <code>{st.id}</code> ({st.action})</li>)}
      {steps.removed.map((st) => <li key={st.id}>removed <code>{st.id}</code> ({st.action})</li>)}
    </ul>
  );
}
