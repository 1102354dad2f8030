"use client";
/**
 * The run's outputs, the result first. An output that is a `write` step's receipt (a path and a
 * size) is not what the goal asked for: what was written is. So such an output shows the text the
 * step wrote (its resolved input), with the receipt under it.
 */
import type { ActionSpec } from "@/lib/core/action";
import { isArtifactRef } from "@/lib/core/artifact";
import type { Plan } from "@/lib/core/plan";
import type { RunView } from "@/lib/core/run-view";
import { ValueView } from "./value-view";

/** What a write step wrote: its input without the settings (short one-line texts, numbers, yes/no); base64 bytes are not shown as text. */
export function writtenBy(spec: ActionSpec | undefined, input: unknown): unknown {
  if (spec?.effect !== "write" || typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  if (isArtifactRef(input)) return input;
  const fields = input as Record<string, unknown>;
  if (fields.encoding === "base64") return undefined;
  const kept = Object.entries(fields).filter(([, v]) => !(typeof v === "boolean" || typeof v === "number" || v === null || (typeof v === "string" && v.length < 120 && !v.includes("\n"))));
  if (!kept.length) return undefined;
  return kept.length === 1 ? kept[0][1] : Object.fromEntries(kept);
}

export function RunOutputs({ runId, plan, view, specs, active, onSelect }: { runId: string; plan: Plan; view: RunView; specs: ReadonlyMap<string, ActionSpec>; active: boolean; onSelect(stepId: string): void }) {
  const outputs = view.outputs && typeof view.outputs === "object" ? Object.entries(view.outputs as Record<string, unknown>) : [];
  return (
    <section className="card" data-testid="run-outputs">
      <div className="card-header"><h2>Outputs</h2></div>
      <div className="card-body">
        {outputs.length ? (
          <div className="value-fields">
            {outputs.map(([name, value]) => {
              const b = plan.outputs[name];
              const stepId = b?.kind === "step" ? b.step : undefined;
              const step = stepId ? plan.steps.find((s) => s.id === stepId) : undefined;
              const written = step ? writtenBy(specs.get(step.action), view.steps[step.id]?.input) : undefined;
              // The same text as another output (a report and the file it was saved to) shows once.
              const same = written !== undefined ? outputs.find(([other, v]) => other !== name && v === written)?.[0] : undefined;
              return (
                <div key={name} className="value-field" data-testid={`run-output-${name}`}>
                  <div className="value-key">{name}</div>
                  {written !== undefined && same !== undefined ? (
                    <div className="subtle">
                      <ReceiptLine value={value} /> · written by step <button className="linkish" onClick={() => onSelect(step!.id)}>{step!.id}</button>, with {same} above as its content
                    </div>
                  ) : written !== undefined ? (
                    <>
                      <div data-testid="run-output-written"><ValueView value={written} runId={runId} /></div>
                      <div className="subtle" style={{ marginTop: 6 }}>
                        Written by step <button className="linkish" onClick={() => onSelect(step!.id)}>{step!.id}</button>: <ReceiptLine value={value} />
                      </div>
                    </>
                  ) : (
                    <ValueView value={value} runId={runId} />
                  )}
                </div>
              );
            })}
          </div>
        ) : (
          <span className="subtle">{active ? "The outputs appear when the run succeeds." : "This run produced no outputs."}</span>
        )}
      </div>
    </section>
  );
}

/** `{ path, bytes, created }` as one line. */
function ReceiptLine({ value }: { value: unknown }) {
  if (typeof value === "string") return <code>{value}</code>;
  if (typeof value !== "object" || value === null) return <span className="mono">{JSON.stringify(value)}</span>;
  const r = value as { path?: unknown; bytes?: unknown; created?: unknown };
  if (typeof r.path !== "string") return <span className="mono">{JSON.stringify(value)}</span>;
  return (
    <span>
      <code>{r.path}</code>
      {typeof r.bytes === "number" ? ` · ${r.bytes.toLocaleString("en")} bytes` : ""}
      {r.created === true ? " · new file" : r.created === false ? " · replaced" : ""}
    </span>
  );
}
