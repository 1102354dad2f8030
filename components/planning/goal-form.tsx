"use client";
/**
 * The goal form: a goal, the flows to plan over, values already known; then planning streams
 * its events here live and the browser opens the saved plan. Without JavaScript the form posts
 * to a server action that plans and redirects.
 */
import { useActionState, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useRouter } from "next/navigation";
import type { PlanningEvent } from "@/lib/core/events";
import { ApiRequestError, createClient } from "@/lib/contract/client";
import { readPlanStream } from "@/lib/contract/plan-stream";
import { planGoalAction, type GoalFormState } from "@/app/actions";
import { parseInputLines } from "./input-lines";
import { NoPlan } from "./no-plan";
import { PlanningEvents } from "./planning-events";
import styles from "./goal-form.module.css";

export interface GoalFormProps {
  flows: string[];
  planner: { configured: boolean; model: string; provider: string };
}

const client = createClient();

type Phase = "idle" | "planning" | "opening" | "failed";

const EXAMPLES = [
  "Load the sample sales CSV, total revenue by region, chart it and write a report",
  "Load the sample sales CSV, keep only the North region, sort by revenue descending and save it as north.csv",
  "Fetch https://example.com, turn the HTML into text and summarize it in 80 words",
];

export function GoalForm({ flows, planner }: GoalFormProps) {
  const router = useRouter();
  const [state, formAction] = useActionState<GoalFormState, FormData>(planGoalAction, {});
  const [goal, setGoal] = useState(state.goal ?? "");
  const [selected, setSelected] = useState<string[]>([]);
  const [inputsText, setInputsText] = useState("");
  const [useMemory, setUseMemory] = useState(true);
  const [phase, setPhase] = useState<Phase>("idle");
  const [events, setEvents] = useState<PlanningEvent[]>([]);
  const [error, setError] = useState<string | undefined>(state.error);
  // Nothing in the catalog fits the goal: what it cannot do and what would help, instead of a plan.
  const [unplanned, setUnplanned] = useState<GoalFormState["unplanned"]>(state.unplanned);
  const abort = useRef<AbortController | null>(null);
  const busy = phase === "planning" || phase === "opening";

  const toggle = (flow: string) => setSelected((s) => (s.includes(flow) ? s.filter((f) => f !== flow) : [...s, flow]));

  async function plan() {
    const lines = parseInputLines(inputsText);
    if (!goal.trim()) return fail("Describe what should be done first.");
    if (lines.errors.length) return fail(lines.errors.join("\n"));
    const controller = new AbortController();
    abort.current = controller;
    setEvents([]);
    setError(undefined);
    setUnplanned(undefined);
    setPhase("planning");
    const body = { goal, ...(selected.length ? { flows: selected } : {}), ...(Object.keys(lines.values).length ? { inputs: lines.values } : {}), ...(useMemory ? {} : { memory: false }) };
    let response: Response;
    try {
      response = await client.send("planGoalStream", { body, signal: controller.signal });
    } catch (err) {
      if (controller.signal.aborted) return fail("Planning was cancelled.");
      if (ApiRequestError.isInstance(err) && err.code !== "network") return fail(err.message);
      return fail("Could not reach the server. Check that Trellis is running and try again.");
    }
    if (!response.body) return fail(`The server answered ${response.status} without a body.`);
    try {
      for await (const read of readPlanStream(response.body)) {
        if (!read.ok) continue;
        const chunk = read.chunk;
        if (chunk.type === "event") setEvents((list) => [...list, chunk.event]);
        else if (chunk.type === "error") return fail(chunk.message);
        else if (chunk.url === null) {
          setUnplanned({ goal, coverage: chunk.coverage, ...(chunk.help ? { help: chunk.help } : {}) });
          setPhase("idle");
          return;
        } else {
          setPhase("opening");
          router.push(chunk.url);
          return;
        }
      }
    } catch {
      return fail(controller.signal.aborted ? "Planning was cancelled." : "The connection to the server broke while planning. Try again.");
    }
    fail("The server closed the connection before planning finished. Try again.");
  }

  function fail(message: string) {
    setError(message);
    setPhase("failed");
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!busy) void plan();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      if (!busy) void plan();
    }
  }

  return (
    <section className="card" data-testid="goal-card">
      <div className="card-header">
        <div>
          <h2>Plan a goal</h2>
          <p className="subtle">Describe the outcome; the planner picks typed actions, wires them together and checks every connection.</p>
        </div>
        <span className={`badge ${planner.configured ? "brand" : ""}`} data-testid="planner-badge" title={planner.configured ? `via ${planner.provider}` : "No LLM provider configured"}>
          <span className={`dot ${planner.configured ? "ok" : "warning"}`} />
          {planner.configured ? planner.model : "Offline planner"}
        </span>
      </div>
      <form className={`card-body ${styles.form}`} action={formAction} onSubmit={onSubmit} data-testid="goal-form">
        <div className="field">
          <label htmlFor="goal">What should be done?</label>
          <textarea
            id="goal"
            name="goal"
            className={styles.goal}
            value={goal}
            onChange={(e) => setGoal(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="e.g. Load the sample sales CSV, total revenue by region, chart it and write a report"
            rows={3}
            maxLength={4000}
            required
            disabled={busy}
          />
          <div className={styles.examples}>
            <span className="subtle">Try</span>
            {EXAMPLES.map((x) => (
              <button key={x} type="button" className={styles.example} onClick={() => setGoal(x)} disabled={busy} title={x}>
                {x}
              </button>
            ))}
          </div>
        </div>

        <div className="field">
          <span className={styles.label} id="flows-label">Flows</span>
          <div className={styles.chips} role="group" aria-labelledby="flows-label">
            {flows.map((f) => {
              const on = selected.includes(f);
              return (
                <button key={f} type="button" className={`${styles.chip} ${on ? styles.chipOn : ""}`} aria-pressed={on} onClick={() => toggle(f)} disabled={busy} data-testid={`flow-${f}`}>
                  {on ? "✓ " : ""}{f}
                </button>
              );
            })}
            {selected.map((f) => <input key={f} type="hidden" name="flow" value={f} />)}
          </div>
          <span className="subtle">{selected.length ? `Only actions of ${selected.join(", ")} (and global ones).` : "None selected: every flow's actions are available."}</span>
        </div>

        <details className={styles.known}>
          <summary>Values you already know <span className="subtle">(optional)</span></summary>
          <div className="field">
            <label htmlFor="known-inputs" className={styles.srOnly}>Known values</label>
            <textarea
              id="known-inputs"
              name="inputs"
              className={styles.inputs}
              value={inputsText}
              onChange={(e) => setInputsText(e.target.value)}
              placeholder={"region = North\nlimit = 10"}
              rows={3}
              disabled={busy}
            />
            <span className="subtle">One per line as name = value. The plan uses them as inputs; anything else it needs it will ask for.</span>
          </div>
        </details>

        <label className={styles.memory} title="Start from (or, with an LLM, show as examples) the plans that ran well for similar goals">
          <input type="checkbox" name="memory" checked={useMemory} onChange={(e) => setUseMemory(e.target.checked)} disabled={busy} data-testid="memory-toggle" />
          <input type="hidden" name="memoryShown" value="1" />
          Use plan memory <span className="subtle">(plans that ran well for similar goals)</span>
        </label>

        {error ? <div className="error-box" role="alert" data-testid="goal-error">{error}</div> : null}
        {unplanned && !busy ? <NoPlan {...unplanned} /> : null}

        <div className={styles.actions}>
          <button className="button primary" type="submit" disabled={busy} data-testid="plan-button">
            {phase === "planning" ? <><span className={styles.spinnerLight} aria-hidden /> Planning…</> : phase === "opening" ? "Opening the plan…" : "Plan"}
          </button>
          {phase === "planning" ? (
            <button className="button" type="button" onClick={() => abort.current?.abort()}>Cancel</button>
          ) : (
            <span className="subtle">Ctrl + Enter</span>
          )}
        </div>

        {events.length || busy ? <PlanningEvents events={events} busy={phase === "planning"} /> : null}
      </form>
    </section>
  );
}
