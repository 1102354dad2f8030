/**
 * Runs a for-each step (lib/core/for-each.ts): its action once per item of its list, up to its
 * concurrency at once, each item through the same path as an ordinary step (prepareStep and
 * runAttempt of step-run.ts: the step boundary, isolation, the timeout, retries per item).
 *
 * Each item says what happened to it in `step.item.*` events. An item's success carries its
 * output, so a resume reads them back (EngineContext.itemEvents) and never runs a finished item
 * again; a retry of the run reuses the items of the run it retries whose input is the same
 * (same hash), and runs the others. The step ends once: succeeded with the outputs in item
 * order (an item its condition skipped is left out), failed when an item failed (unless its
 * `onError` is `continue`: a failed item's output is then the step's fallback, or null), or
 * cancelled when the run stopped before every item ran.
 *
 * The run executor runs the step whole (runForEach); a `trellis worker` shares its parts: the
 * claim of its step job starts it (startForEach), the job runs its items and says how it ends
 * (runItems), and the end is committed as the run executor fires it (queue/for-each-job.ts).
 */
import { MAX_FOR_EACH_ITEMS, DEFAULT_FOR_EACH_CONCURRENCY, conditionReadsItem, contentHash, isArtifactRef, printCondition, stepForItem, type Action, type Failure, type ItemEvent, type Step, type StepFields, type Usage } from "../core";
import { shareArtifacts, type ArtifactStore } from "./artifact-store";
import type { EngineContext } from "./engine-context";
import { StepCancelledError } from "./failure";
import { resolveBinding } from "./resolve-inputs";
import type { NewEvent, RunRecord } from "./run-store";
import { gateStep, type RootOf } from "./step-gate";
import { afterFailure, prepareStep, runAttempt, type AttemptContext } from "./step-run";

/**
 * What running a step's items needs: the run executor lends it in the server's process, a
 * `trellis worker` in its step job (queue/for-each-job.ts).
 */
export interface ItemsHost {
  runId: string;
  ctx: Pick<EngineContext, "itemEvents" | "workspaceFor">;
  run: RunRecord;
  /** the run's folder */
  workspace: string;
  artifacts: ArtifactStore;
  outputs: ReadonlyMap<string, unknown>;
  /** the run's concurrency limit: a step's items never run more at once */
  limit: number;
  runInputs(): Record<string, unknown>;
  fire(events: NewEvent[]): void;
  /** why the run stops, when it does */
  stopping(): string | null;
  /** registers (or, with null, forgets) what a cancel of the run aborts */
  track(key: string, ac: AbortController | null): void;
  attemptContext(def: Step, attempt: number, timeoutMs: number): AttemptContext;
  rootOf: RootOf;
}

/** What the run executor lends a for-each step. */
export interface ForEachHost extends ItemsHost {
  ctx: EngineContext;
  failStep(def: Step, s: StepFields, failure: Failure): Promise<void>;
  /** a dry run previewed the step without an output */
  previewedOnly(stepId: string): void;
}

type ItemResult =
  | { kind: "succeeded"; output: unknown }
  | { kind: "skipped" }
  | { kind: "failed"; failure: Failure }
  | { kind: "cancelled" };

/** The outputs of a step's finished items, by index, from its item events (the last word on each wins). */
export function finishedItems(events: readonly ItemEvent[]): Map<number, { output: unknown; inputHash?: string; usage?: Usage; skipped?: string }> {
  const out = new Map<number, { output: unknown; inputHash?: string; usage?: Usage; skipped?: string }>();
  for (const e of events) {
    if (e.type === "step.item.succeeded") out.set(e.data.index, { output: e.data.output, inputHash: e.data.inputHash, usage: e.data.usage });
    else if (e.type === "step.item.skipped") out.set(e.data.index, { output: undefined, skipped: e.data.reason });
    else out.delete(e.data.index);
  }
  return out;
}

/** The step as its gate asks it: a condition that reads the item is asked of each item instead. */
export function gatedAsWhole(def: Step): Step {
  return def.forEach && conditionReadsItem(def.when) ? { ...def, when: undefined } : def;
}

/** The step as it fails as a whole: the fallback stands in for one item's output, never for the whole list. */
export function failingAsWhole(def: Step): Step {
  return { ...def, fallback: undefined };
}

/** What a for-each step starts with (its `step.started` records `recorded` and the items' count), or why it fails first. */
export type ForEachStart = { kind: "fail"; failure: Failure } | { kind: "run"; action: Action; items: unknown[]; recorded: unknown };

export async function startForEach(h: Pick<ItemsHost, "runInputs" | "outputs" | "artifacts">, def: Step, action: Action | undefined): Promise<ForEachStart> {
  if (!action) return { kind: "fail", failure: { code: "validation", message: `the action "${def.action}" is not registered`, retryable: false } };
  const list = await itemsOf(h, def);
  if (!list.ok) return { kind: "fail", failure: { code: "input_invalid", message: list.message, retryable: false } };
  return { kind: "run", action, items: list.items, recorded: await h.artifacts.externalize({ items: list.items }) };
}

/** How a for-each step ends once its items stopped running. */
export type ForEachEnd =
  | { kind: "succeeded"; output: unknown; usage?: Usage }
  | { kind: "failed"; failure: Failure }
  | { kind: "cancelled" };

export async function runForEach(h: ForEachHost, def: Step, s: StepFields): Promise<void> {
  const start = await startForEach(h, def, h.ctx.registry.get(def.action));
  if (start.kind === "fail") return h.failStep(failingAsWhole(def), s, start.failure);
  const { action, items, recorded } = start;
  if (h.run.options.dryRun && (action.preview || action.effect === "write")) {
    h.previewedOnly(def.id);
    const text = `would run ${action.id} for each of ${items.length} item${items.length === 1 ? "" : "s"}`;
    h.fire([{ type: "step.skipped", stepId: def.id, data: { reason: `dry run: ${text}`, dryRun: { input: recorded, effect: action.effect, wouldRun: true, preview: { kind: "description", text } } } }]);
    return;
  }
  // the step's own attempt: its items have attempts of their own
  const attempt = s.attempts + 1;
  h.fire([{ type: "step.started", stepId: def.id, data: { attempt, input: recorded, items: items.length } }]);
  const t0 = performance.now();
  const end = await runItems(h, def, action, items);
  if (end.kind === "failed") return h.failStep(failingAsWhole(def), s, end.failure);
  if (end.kind === "cancelled") {
    h.fire([{ type: "step.cancelled", stepId: def.id, data: { reason: h.stopping() ?? "cancelled" } }]);
    return;
  }
  h.fire([{ type: "step.succeeded", stepId: def.id, data: { attempt, output: end.output, ...(end.usage ? { usage: end.usage } : {}), ms: Math.round(performance.now() - t0) } }]);
}

/**
 * Runs the step's items that have not ended yet (up to its concurrency, never more than the
 * run's limit) and says how the step ends. Items whose end the run's events already hold (a
 * resume, on this process or another worker) do not run again; a retried run's items with the
 * same input are reused.
 */
export async function runItems(h: ItemsHost, def: Step, action: Action, items: readonly unknown[]): Promise<ForEachEnd> {
  // this run's finished items (a resume), else the retried run's (reused when their input is the same)
  const done = finishedItems(await h.ctx.itemEvents(h.runId, def.id));
  const earlier = !done.size && h.run.retryOfId ? finishedItems(await h.ctx.itemEvents(h.run.retryOfId, def.id)) : new Map();
  const results = new Array<ItemResult | undefined>(items.length);
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  for (const [i, d] of done) {
    if (i >= items.length) continue;
    results[i] = d.skipped !== undefined ? { kind: "skipped" } : { kind: "succeeded", output: d.output };
    if (d.usage) { usage.promptTokens += d.usage.promptTokens; usage.completionTokens += d.usage.completionTokens; }
  }
  let failed = false;
  const stopHere = () => h.stopping() !== null || (failed && def.onError !== "continue");
  let next = 0;
  const worker = async () => {
    while (!stopHere()) {
      while (next < items.length && results[next]) next++;
      if (next >= items.length) return;
      const i = next++;
      const r = await runItem(h, def, action, items[i], i, earlier.get(i), usage);
      results[i] = r;
      if (r.kind === "failed") failed = true;
    }
  };
  const width = Math.max(1, Math.min(def.forEach?.concurrency ?? DEFAULT_FOR_EACH_CONCURRENCY, h.limit, items.length));
  await Promise.all(Array.from({ length: width }, worker));

  const failures = results.flatMap((r, i) => (r?.kind === "failed" ? [{ index: i, failure: r.failure }] : []));
  if (failures.length && def.onError !== "continue") {
    const first = failures[0];
    const message = `${failures.length} of ${items.length} item${items.length === 1 ? "" : "s"} failed; item ${first.index}: ${first.failure.message}`;
    return { kind: "failed", failure: { ...first.failure, message, details: { failedItems: failures.map((f) => f.index) } } };
  }
  if (results.some((r) => !r || r.kind === "cancelled")) return { kind: "cancelled" };
  const outputs: unknown[] = [];
  for (const r of results) {
    if (r?.kind === "succeeded") outputs.push(r.output);
    else if (r?.kind === "failed") outputs.push(def.fallback ?? null);
  }
  const output = await h.artifacts.externalize(outputs);
  return { kind: "succeeded", output, ...(usage.promptTokens || usage.completionTokens ? { usage } : {}) };
}

/** The step's list, read in full, within the limit. */
async function itemsOf(h: Pick<ItemsHost, "runInputs" | "outputs" | "artifacts">, def: Step): Promise<{ ok: true; items: unknown[] } | { ok: false; message: string }> {
  const r = await resolveBinding(def.forEach!.items, h.runInputs(), h.outputs, h.artifacts);
  if (!r.ok) return { ok: false, message: `its list: ${r.message}` };
  let value = r.value;
  try {
    if (isArtifactRef(value)) value = await h.artifacts.read(value);
  } catch (err) {
    return { ok: false, message: `its list cannot be read back: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { ok: false, message: `its list is not a list (${value === null ? "null" : typeof value})` };
  if (value.length > MAX_FOR_EACH_ITEMS) return { ok: false, message: `its list has ${value.length} items; a for-each step runs at most ${MAX_FOR_EACH_ITEMS}` };
  return { ok: true, items: value };
}

async function runItem(h: ItemsHost, def: Step, action: Action, item: unknown, index: number, earlier: { output: unknown; inputHash?: string; usage?: Usage } | undefined, usage: Usage): Promise<ItemResult> {
  const one = stepForItem(def, item);
  const fire = (e: Omit<Extract<NewEvent, { type: `step.item.${string}` }>, "stepId">) => h.fire([{ ...e, stepId: def.id } as NewEvent]);
  const fail = (failure: Failure, attempt = 0): ItemResult => {
    fire({ type: "step.item.failed", data: { index, attempt, failure } });
    return { kind: "failed", failure };
  };
  if (conditionReadsItem(def.when)) {
    const gate = await gateStep({ ...one, inputs: {} }, h.runInputs(), h.outputs, h.artifacts, h.rootOf);
    if (gate.kind === "skip") {
      // the item's values are literals in `one`: the reason names the condition as written
      fire({ type: "step.item.skipped", data: { index, reason: `condition false: ${printCondition(def.when!)}` } });
      return { kind: "skipped" };
    }
    if (gate.kind === "fail") return fail(gate.failure);
  }
  const prepared = await prepareStep({ def: one, step: { status: "running", attempts: 0 }, action, runInputs: h.runInputs(), outputs: h.outputs, artifacts: h.artifacts, options: h.run.options, runFolder: h.workspace });
  if (prepared.kind === "fail") return fail(prepared.failure);
  if (prepared.kind !== "run") return fail({ code: "validation", message: prepared.kind === "await_approval" ? "the items of a for-each step cannot wait for a person" : "a dry run does not run this item", retryable: false });
  const inputHash = contentHash(prepared.recorded);
  // an earlier output's large parts are files of the retried run: this run gets them in its own store
  const shared = earlier && earlier.inputHash === inputHash && (await shareArtifacts(h.ctx.workspaceFor(h.run.retryOfId!), h.workspace, [earlier.output]).then(() => true, () => false));
  if (earlier && shared) {
    fire({ type: "step.item.succeeded", data: { index, attempt: 0, output: earlier.output, inputHash, reusedFromRunId: h.run.retryOfId!, ...(earlier.usage ? { usage: earlier.usage } : {}) } });
    return { kind: "succeeded", output: earlier.output };
  }
  const key = `${def.id}#${index}`;
  for (let attempt = 1; ; attempt++) {
    const ac = new AbortController();
    h.track(key, ac);
    fire({ type: "step.item.started", data: { index, attempt } });
    const stop = h.stopping();
    if (stop) ac.abort(new StepCancelledError(stop));
    const base = h.attemptContext(def, attempt, prepared.timeoutMs);
    // the item's own idempotency key, and its logs marked with its index
    const c: AttemptContext = { ...base, idempotencyKey: `${base.idempotencyKey}:${index}`, fire: (events) => h.fire(events.map((e) => (e.type === "step.log" ? { ...e, data: { ...e.data, item: index } } : e))) };
    const outcome = await runAttempt(prepared, c, ac, h.artifacts);
    h.track(key, null);
    if (outcome.kind === "succeeded") {
      const d = outcome.event.data;
      if (d.usage) { usage.promptTokens += d.usage.promptTokens; usage.completionTokens += d.usage.completionTokens; }
      fire({ type: "step.item.succeeded", data: { index, attempt, output: d.output, inputHash, ...(d.usage ? { usage: d.usage } : {}), ...(d.ms !== undefined ? { ms: d.ms } : {}) } });
      return { kind: "succeeded", output: d.output };
    }
    const failure = outcome.failure;
    const then = afterFailure(failure, attempt, prepared.retry, { stopping: h.stopping() !== null, aborted: ac.signal.aborted });
    if (then.next === "cancelled") return { kind: "cancelled" };
    if (then.next === "fail") return fail(failure, attempt);
    fire({ type: "step.item.failed", data: { index, attempt, failure, retrying: true, delayMs: then.delayMs } });
    if (!(await sleep(h, key, then.delayMs))) return { kind: "cancelled" };
  }
}

/** false when the run stopped during the wait */
function sleep(h: ItemsHost, key: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const ac = new AbortController();
    h.track(key, ac);
    const t = setTimeout(() => { h.track(key, null); resolve(true); }, ms);
    ac.signal.addEventListener("abort", () => { clearTimeout(t); h.track(key, null); resolve(false); }, { once: true });
  });
}
