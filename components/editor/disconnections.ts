/**
 * What deleting steps cuts: the inputs (and plan outputs) they fed. A required input that loses
 * its source is a validation error already; an optional one is not (the plan stays valid and the
 * step runs without it), and nothing in the plan remembers it had a source, so the editor keeps
 * these as notices: said in a toast when it happens, listed with the issues until the input is
 * connected again, the step is gone, or the person dismisses it.
 */
import type { Catalog } from "@/lib/core/catalog";
import type { Plan } from "@/lib/core/plan";

export interface Disconnection {
  /** the step that lost an input, and which */
  stepId: string;
  input: string;
  /** the deleted step that fed it */
  from: string;
  required: boolean;
}

export interface Cut {
  inputs: Disconnection[];
  /** plan outputs that read a deleted step */
  outputs: string[];
}

/** The bindings that deleting `removed` from `plan` cuts (steps deleted together do not count). */
export function cutBy(plan: Plan, removed: Iterable<string>, catalog: Catalog): Cut {
  const gone = new Set(removed);
  const inputs: Disconnection[] = [];
  for (const step of plan.steps) {
    if (gone.has(step.id)) continue;
    const schema = catalog.get(step.action)?.input;
    const required = new Set(schema && Array.isArray(schema.required) ? (schema.required as string[]) : []);
    for (const [input, b] of Object.entries(step.inputs)) {
      if (b.kind === "step" && gone.has(b.step)) inputs.push({ stepId: step.id, input, from: b.step, required: required.has(input) });
    }
  }
  const outputs = Object.entries(plan.outputs).filter(([, b]) => b.kind === "step" && gone.has(b.step)).map(([name]) => name);
  return { inputs, outputs };
}

/** One sentence for the toast: what was deleted and what it disconnected. */
export function cutMessage(deleted: readonly string[], cut: Cut): string | null {
  if (!cut.inputs.length && !cut.outputs.length) return null;
  const what = deleted.length === 1 ? `step ${deleted[0]}` : `${deleted.length} steps`;
  const parts = [
    ...cut.inputs.map((d) => `${d.stepId}.${d.input}${d.required ? " (required: now an error)" : " (optional: now empty)"}`),
    ...cut.outputs.map((o) => `plan output ${o}`),
  ];
  return `Deleting ${what} disconnected ${list(parts)}. Undo brings ${parts.length === 1 ? "it" : "them"} back.`;
}

/**
 * The notices still worth showing: optional inputs (required ones are validation errors) of steps
 * that still exist and are still unbound. Keyed by step and input, the latest cut first wins.
 */
export function openDisconnections(notices: readonly Disconnection[], plan: Plan): Disconnection[] {
  const steps = new Map(plan.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  return notices.filter((d) => {
    const key = `${d.stepId}\u0000${d.input}`;
    if (d.required || seen.has(key)) return false;
    seen.add(key);
    const step = steps.get(d.stepId);
    return Boolean(step && step.inputs[d.input] === undefined);
  });
}

export const disconnectionKey = (d: Disconnection) => `${d.stepId}\u0000${d.input}\u0000${d.from}`;

function list(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
