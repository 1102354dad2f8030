/**
 * Whether a step whose dependencies have all ended runs: its condition (`when`) must hold, and
 * each merged (`firstOf`) input must have a branch that produced a value.
 *
 * - A false condition skips the step with the reason "condition false: …", the values it read
 *   and `condition` on the event; the steps that need its output are skipped after it.
 * - A condition that cannot be evaluated (a path its step did not produce, an order between a
 *   number and a string) fails the step (`condition_error`), naming what was missing: the plan
 *   asked a question the run cannot answer, which a person should see, not a silent skip.
 *   (A condition that reads a step that was skipped never gets here: that step is a dependency
 *   without an output, so this one is skipped with it.)
 * - A merge none of whose branches produced a value skips the step.
 */
import { conditionOperands, evaluateCondition, isArtifactRef, printCondition, printOperand, truncateText, type Failure, type OperandValue, type SeenValue, type SkipCondition, type Step } from "../core";
import type { ArtifactStore } from "./artifact-store";
import { resolveBinding } from "./resolve-inputs";

export type Gate =
  | { kind: "run" }
  | { kind: "skip"; data: { reason: string; cause?: string; condition?: SkipCondition; byCondition?: boolean } }
  | { kind: "fail"; failure: Failure };

type Artifacts = Pick<ArtifactStore, "read" | "externalize" | "materialize">;

/** What the engine knows of a step that ended without an output: the step that caused it, and whether a condition did (queue mode reads it from the stored events). */
export type RootOf = (stepId: string) => { root: string; byCondition: boolean } | Promise<{ root: string; byCondition: boolean }>;

const VALUE_CHARS = 300;

export async function gateStep(def: Step, runInputs: Record<string, unknown>, outputs: ReadonlyMap<string, unknown>, artifacts: Artifacts, rootOf: RootOf): Promise<Gate> {
  if (def.when) {
    const values = new Map<string, OperandValue>();
    for (const o of conditionOperands(def.when)) {
      if (o.kind === "literal") continue;
      const ref = printOperand(o);
      if (values.has(ref)) continue;
      const r = await resolveBinding(o, runInputs, outputs, artifacts);
      if (!r.ok) values.set(ref, { ok: false, missing: r.message });
      else if (r.value === undefined) values.set(ref, { ok: false, missing: `${ref} has no value` });
      else values.set(ref, { ok: true, value: isArtifactRef(r.value) ? await artifacts.materialize(r.value) : r.value });
    }
    const result = evaluateCondition(def.when, (o) => values.get(printOperand(o))!, printOperand);
    const when = printCondition(def.when);
    if (!result.ok) {
      return { kind: "fail", failure: { code: "condition_error", message: `its condition cannot be evaluated: ${result.message}`, retryable: false, details: { when, values: shown(result.seen) } } };
    }
    if (!result.value) {
      const seen = shown(result.seen);
      const why = seen.map((v) => (v.missing !== undefined ? `${v.name} had no value` : `${v.name} was ${preview(v.value)}`)).join(", ");
      return { kind: "skip", data: { reason: `condition false${why ? `: ${why}` : ""}`, condition: { when, values: seen } } };
    }
  }
  for (const [name, b] of Object.entries(def.inputs)) {
    if (b.kind !== "firstOf") continue;
    const r = await resolveBinding(b, runInputs, outputs, artifacts);
    if (r.ok) continue;
    const roots = await Promise.all(b.of.flatMap((m) => (m.kind === "step" && !outputs.has(m.step) ? [rootOf(m.step)] : [])));
    const byCondition = roots.length > 0 && roots.length === b.of.length && roots.every((x) => x.byCondition);
    return { kind: "skip", data: { reason: `no branch of "${name}" produced a value`, ...(roots.length ? { cause: roots[0].root } : {}), ...(byCondition ? { byCondition: true } : {}) } };
  }
  return { kind: "run" };
}

/** The values a condition read, as its event keeps them: each named, large ones shortened. */
function shown(seen: readonly SeenValue[]): SkipCondition["values"] {
  return seen.map((v) => ({ ref: v.ref, name: nameOf(v.ref), ...(v.missing !== undefined ? { missing: v.missing } : { value: small(v.value) }) }));
}

function small(value: unknown): unknown {
  const text = JSON.stringify(value) ?? "null";
  return text.length <= VALUE_CHARS ? value : truncateText(text, VALUE_CHARS);
}

function preview(value: unknown): string {
  return truncateText(JSON.stringify(value) ?? "null", 80);
}

/** The short name of a reference: its last field (`label` of `${steps.classify.output.label}`), a step's id or a plan input's name. */
export function nameOf(ref: string): string {
  const inner = ref.replace(/^\$\{|\}$/g, "");
  const m = /([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])*$/.exec(inner);
  const last = m?.[1];
  if (!last || last === "output") return inner.split(".")[1] ?? inner;
  return last;
}
