"use client";
import { useState, useTransition } from "react";
import { approveStepAction, rejectStepAction } from "@/app/actions";

/** Approve (optionally with an edited input) or reject a waiting step, with a comment. */
export function ApprovalPanel({ runId, stepId, input }: { runId: string; stepId: string; input: unknown }) {
  const [comment, setComment] = useState("");
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(() => JSON.stringify(input ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const decide = (kind: "approve" | "reject") =>
    start(async () => {
      setError(null);
      let edited: unknown;
      if (kind === "approve" && editing) {
        try { edited = JSON.parse(draft); } catch (e) { setError(`The edited input is not valid JSON: ${(e as Error).message}`); return; }
      }
      const body = { stepId, comment: comment || undefined, ...(edited !== undefined ? { input: edited } : {}) };
      const r = kind === "approve" ? await approveStepAction(runId, body) : await rejectStepAction(runId, body);
      if (!r.ok) setError(r.error);
    });

  return (
    <div className="approval" data-testid={`approval-${stepId}`}>
      <div className="approval-title">This step is waiting for your approval</div>
      <div className="field">
        <label htmlFor={`comment-${stepId}`}>Comment</label>
        <input id={`comment-${stepId}`} type="text" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Why (optional)" data-testid="approval-comment" />
      </div>
      <label className="row subtle" style={{ gap: 6 }}>
        <input type="checkbox" checked={editing} onChange={(e) => setEditing(e.target.checked)} data-testid="approval-edit" /> Edit the input before approving
      </label>
      {editing ? <textarea value={draft} onChange={(e) => setDraft(e.target.value)} style={{ minHeight: 140 }} data-testid="approval-input" /> : null}
      {error ? <div className="error-box" role="alert">{error}</div> : null}
      <div className="row">
        <button className="button primary" disabled={pending} onClick={() => decide("approve")} data-testid="approve-button">Approve</button>
        <button className="button danger" disabled={pending} onClick={() => decide("reject")} data-testid="reject-button">Reject</button>
      </div>
    </div>
  );
}
