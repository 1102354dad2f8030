"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { startRunAction } from "@/app/actions";
import { ApiRequestError, createClient } from "@/lib/contract/client";
import type { ParsedInputs } from "@/lib/contract/plans";
import type { PlanInput } from "@/lib/core/plan";
import { fieldOf, parseFieldText, toFieldText as toText } from "@/components/ui/schema-field";
import { SchemaFieldInput } from "@/components/ui/schema-field-input";
import type { Uploaded } from "@/lib/contract/uploads";
import { RunFiles } from "./run-files";

const client = createClient();

/** Runs the plan: a typed form for its inputs, the run options, and a Run button. */
export function StartRunForm({ planId, versionId, inputs, valid }: { planId: string; versionId?: string; inputs: PlanInput[]; valid: boolean }) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(inputs.map((i) => [i.name, toText(i.default, fieldOf(i.schema))])));
  const [dryRun, setDryRun] = useState(false);
  const [approveWrites, setApproveWrites] = useState(false);
  const [approveOutgoing, setApproveOutgoing] = useState(false);
  const [policy, setPolicy] = useState<"fail_fast" | "continue">("fail_fast");
  const [rollback, setRollback] = useState(false);
  const [replan, setReplan] = useState<"off" | "auto" | "ask">("off");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [freeText, setFreeText] = useState("");
  const [parseNote, setParseNote] = useState<string | null>(null);
  const [files, setFiles] = useState<Uploaded[]>([]);

  const fillFromText = () =>
    start(async () => {
      setParseNote(null);
      let body: ParsedInputs;
      try {
        body = await client.call("parseInputs", { body: { message: freeText, planId, names: inputs.map((i) => i.name) } });
      } catch (err) {
        setParseNote(ApiRequestError.isInstance(err) ? err.message : "Reading the text failed.");
        return;
      }
      const next = { ...values };
      for (const [name, v] of Object.entries(body.values)) {
        const pi = inputs.find((i) => i.name === name);
        if (pi) next[name] = toText(v, fieldOf(pi.schema));
      }
      setValues(next);
      const found = Object.keys(body.values);
      const notes = [found.length ? `Filled ${found.join(", ")}.` : "Found no values."];
      if (body.missing.length) notes.push(`Still missing: ${body.missing.join(", ")}.`);
      if (body.invalid.length) notes.push(body.invalid.map((i) => `${i.name}: ${i.reason}`).join("; "));
      setParseNote(notes.join(" "));
    });

  const parse = (): Record<string, unknown> | string => {
    const out: Record<string, unknown> = {};
    for (const pi of inputs) {
      const text = values[pi.name] ?? "";
      if (text === "") {
        if (pi.default === undefined && pi.required !== false) return `"${pi.name}" needs a value.`;
        continue;
      }
      const parsed = parseFieldText(pi.schema, text);
      if (parsed.error) return `"${pi.name}" ${parsed.error}`;
      out[pi.name] = parsed.value;
    }
    return out;
  };

  const submit = () =>
    start(async () => {
      setError(null);
      const parsed = parse();
      if (typeof parsed === "string") { setError(parsed); return; }
      const r = await startRunAction(planId, { versionId, inputs: parsed, options: { dryRun, approveWrites, approveOutgoing, failurePolicy: policy, rollbackOnFailure: rollback && !dryRun, ...(replan !== "off" ? { replan: { onFailure: true, approve: replan } } : {}) }, ...(files.length ? { files: files.map((f) => f.id) } : {}) });
      if (!r.ok) { setError(r.error); return; }
      router.push(`/runs/${r.value.runId}`);
    });

  return (
    <div className="start-run" data-testid="start-run" id="run">
      {inputs.length ? (
        <div className="field">
          <label htmlFor="run-free-text">Fill from text</label>
          <div className="row">
            <input id="run-free-text" type="text" value={freeText} onChange={(e) => setFreeText(e.target.value)} placeholder="e.g. write the report to reports/q3.md" data-testid="run-free-text" />
            <button className="button" type="button" disabled={!freeText.trim() || pending} onClick={fillFromText} data-testid="run-free-text-fill">Fill</button>
          </div>
          {parseNote ? <span className="subtle" data-testid="run-free-text-note">{parseNote}</span> : null}
        </div>
      ) : null}
      {inputs.map((pi) => {
        const f = fieldOf(pi.schema);
        const id = `run-input-${pi.name}`;
        return (
          <div className="field" key={pi.name}>
            <label htmlFor={id}>{pi.name}{pi.description ? <span className="subtle"> · {pi.description}</span> : null}</label>
            <SchemaFieldInput id={id} field={f} value={values[pi.name] ?? ""} onChange={(text) => setValues({ ...values, [pi.name]: text })} testId={f.kind === "boolean" || f.kind === "enum" ? undefined : id} />
          </div>
        );
      })}
      <RunFiles files={files} onChange={setFiles} disabled={pending} />
      <div className="row wrap run-options">
        <label className="row"><input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run</label>
        <label className="row"><input type="checkbox" checked={approveWrites} onChange={(e) => setApproveWrites(e.target.checked)} /> Approve writes</label>
        <label className="row" title="Web requests (reads too), loads from a URL, LLM calls and MCP tools wait for a person before they send anything"><input type="checkbox" checked={approveOutgoing} onChange={(e) => setApproveOutgoing(e.target.checked)} data-testid="run-approve-outgoing" /> Approve outgoing calls</label>
        <label className="row">On failure
          <select value={policy} onChange={(e) => setPolicy(e.target.value as "fail_fast" | "continue")} style={{ width: "auto" }} data-testid="run-failure-policy">
            <option value="fail_fast">stop the run</option>
            <option value="continue">skip dependents</option>
          </select>
        </label>
        <label className="row" title="When a step fails for good, the planner proposes a new way for the steps that did not run (finished steps are kept) and the run goes on with it">Re-plan on failure
          <select value={replan} onChange={(e) => setReplan(e.target.value as "off" | "auto" | "ask")} style={{ width: "auto" }} data-testid="run-replan">
            <option value="off">no</option>
            <option value="auto">yes, go on at once</option>
            <option value="ask">yes, ask me first</option>
          </select>
        </label>
        {/* A dry run writes nothing, so there is nothing to undo. */}
        <label className="row" title="If the run fails, undo the writes it completed, newest first (each write action says how: a file gets its previous content back)">
          <input type="checkbox" checked={rollback && !dryRun} disabled={dryRun} onChange={(e) => setRollback(e.target.checked)} data-testid="run-rollback" /> Undo writes if it fails
        </label>
      </div>
      {error ? <div className="error-box" role="alert" data-testid="start-run-error">{error}</div> : null}
      <button className="button primary" disabled={!valid || pending} onClick={submit} data-testid="run-button" title={valid ? undefined : "Fix the plan's errors before running it"}>
        {pending ? "Starting…" : dryRun ? "Dry run" : "Run plan"}
      </button>
    </div>
  );
}
