"use client";
import { useEffect, useMemo, useState, useTransition } from "react";
import { approveStepAction, rejectStepAction } from "@/app/actions";
import { isObject } from "@/lib/core/json-schema";
import { SchemaFieldInput } from "@/components/ui/schema-field-input";
import { approvalFields, editedInput } from "./approval-fields";
import { useMe } from "@/components/ui/access";

/**
 * Approve (optionally with an edited input) or reject a waiting step, with a comment. The
 * input is edited a field at a time, typed by the action's input schema as in the run form;
 * an input the schema does not name field by field is edited as raw JSON.
 */
/** Where the browser keeps the name a person decides under (Trellis has no accounts yet). */
const DECIDER_KEY = "trellis.decider";

export function ApprovalPanel({ runId, stepId, input, schema }: { runId: string; stepId: string; input: unknown; schema?: unknown }) {
  const [comment, setComment] = useState("");
  // Signed in, a decision is the person's own: no name to give.
  const me = useMe();
  const person = me?.actor.kind === "person" ? me.actor : undefined;
  const [by, setBy] = useState("");
  // Read once after mount: the server's render has no storage, and the first render must match it.
  useEffect(() => { setBy(window.localStorage.getItem(DECIDER_KEY) ?? ""); }, []);
  const [editing, setEditing] = useState(false);
  const fields = useMemo(() => approvalFields(input, schema), [input, schema]);
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries((fields ?? []).map((f) => [f.name, f.text])));
  const [opened, setOpened] = useState<Record<string, boolean>>({});
  const [draft, setDraft] = useState(() => JSON.stringify(input ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const decide = (kind: "approve" | "reject") =>
    start(async () => {
      setError(null);
      let edited: unknown;
      if (kind === "approve" && editing) {
        if (fields && isObject(input)) {
          const r = editedInput(input, fields, texts);
          if (!r.ok) { setError(r.error); return; }
          if (r.changed) edited = r.input;
        } else {
          try { edited = JSON.parse(draft); } catch (e) { setError(`The edited input is not valid JSON: ${(e as Error).message}`); return; }
        }
      }
      if (by.trim()) window.localStorage.setItem(DECIDER_KEY, by.trim());
      const body = { stepId, comment: comment || undefined, by: by.trim() || undefined, ...(edited !== undefined ? { input: edited } : {}) };
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
      {person ? (
        <p className="subtle" data-testid="approval-as">Decided as {person.email}.</p>
      ) : (
        <div className="field">
          <label htmlFor={`by-${stepId}`}>Decided by</label>
          <input id={`by-${stepId}`} type="text" value={by} onChange={(e) => setBy(e.target.value)} placeholder="Your name, kept with the decision (optional)" maxLength={200} data-testid="approval-by" />
        </div>
      )}
      <label className="row subtle" style={{ gap: 6 }}>
        <input type="checkbox" checked={editing} onChange={(e) => setEditing(e.target.checked)} data-testid="approval-edit" /> Edit the input before approving
      </label>
      {editing && fields ? (
        <div className="approval-fields" data-testid="approval-fields">
          {fields.map((f) => {
            const id = `approval-${stepId}-${f.name}`;
            return (
              <div className="field" key={f.name}>
                <label htmlFor={id}>{f.name}{f.required ? <span className="req"> *</span> : null}</label>
                {f.stored ? (
                  <span className="subtle" data-testid={`approval-kept-${f.name}`}>A large value kept in the run&apos;s storage: approved as it is.</span>
                ) : f.large && !opened[f.name] ? (
                  <span className="subtle" data-testid={`approval-kept-${f.name}`}>
                    {f.text.length.toLocaleString("en")} characters, approved as they are.{" "}
                    <button type="button" className="linkish" onClick={() => setOpened({ ...opened, [f.name]: true })}>Edit anyway</button>
                  </span>
                ) : (
                  <SchemaFieldInput id={id} field={f.field} value={texts[f.name] ?? ""} multiline={f.multiline} onChange={(text) => setTexts({ ...texts, [f.name]: text })} testId={`approval-input-${f.name}`} />
                )}
              </div>
            );
          })}
        </div>
      ) : null}
      {editing && !fields ? <textarea value={draft} onChange={(e) => setDraft(e.target.value)} style={{ minHeight: 140 }} data-testid="approval-input" /> : null}
      {error ? <div className="error-box" role="alert">{error}</div> : null}
      <div className="row">
        <button className="button primary" disabled={pending} onClick={() => decide("approve")} data-testid="approve-button">Approve</button>
        <button className="button danger" disabled={pending} onClick={() => decide("reject")} data-testid="reject-button">Reject</button>
      </div>
    </div>
  );
}
