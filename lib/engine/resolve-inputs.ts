/**
 * Resolves a step's bindings to values from run inputs, literals and upstream outputs.
 * Outputs are held as they are stored: large parts are artifact references (artifact-store.ts).
 * A binding resolves to its stored form (what the step's events record); step-boundary.ts reads
 * it back in full for the action.
 */
import { bindingLabel, isArtifactRef, readPath, printPath, type Binding, type Plan, type Step } from "../core";
import type { ArtifactStore } from "./artifact-store";

export type Resolution =
  | { ok: true; recorded: Record<string, unknown> }
  | { ok: false; message: string };

type Artifacts = Pick<ArtifactStore, "read" | "externalize">;

/**
 * A binding's value in stored form: a reference stays a reference, unless the binding's path
 * goes into it (then the referenced value is read, and the part picked is stored again).
 */
export async function resolveBinding(binding: Binding, runInputs: Record<string, unknown>, outputs: ReadonlyMap<string, unknown>, artifacts: Artifacts): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  switch (binding.kind) {
    case "firstOf": {
      // the first branch that produced a value (a step that was skipped, or a path it did not produce, did not)
      const missing: string[] = [];
      for (const b of binding.of) {
        const r = await resolveBinding(b, runInputs, outputs, artifacts);
        if (r.ok && r.value !== undefined) return r;
        missing.push(r.ok ? `${bindingLabel(b)} has no value` : r.message);
      }
      return { ok: false, message: `no branch produced a value (${missing.join("; ")})` };
    }
    case "literal":
      return { ok: true, value: binding.value };
    case "item":
      // a for-each step runs each item with its `${item}` bindings replaced (stepForItem)
      return { ok: false, message: "the current item is read only by a for-each step's item" };
    case "input":
      if (!(binding.name in runInputs)) return { ok: false, message: `the plan input "${binding.name}" has no value` };
      return { ok: true, value: runInputs[binding.name] };
    case "step": {
      if (!outputs.has(binding.step)) return { ok: false, message: `step "${binding.step}" has no output` };
      let value = outputs.get(binding.step);
      let readBack = false;
      for (const seg of binding.path ?? []) {
        if (isArtifactRef(value)) {
          const { preview } = value.$artifact;
          if (seg === "length" && preview.kind === "list") { value = preview.count; continue; }
          value = await artifacts.read(value);
          readBack = true;
        }
        value = readPath(value, [seg]);
      }
      if (value === undefined && binding.path?.length) {
        return { ok: false, message: `the output of "${binding.step}" has no ${printPath(binding.path).replace(/^\./, "")}` };
      }
      return { ok: true, value: readBack ? await artifacts.externalize(value) : value };
    }
  }
}

/** The step's input as recorded (for its events): large parts as artifact references. */
export async function resolveStepInput(step: Step, runInputs: Record<string, unknown>, outputs: ReadonlyMap<string, unknown>, artifacts: Artifacts): Promise<Resolution> {
  const recorded: Record<string, unknown> = {};
  try {
    for (const [name, binding] of Object.entries(step.inputs)) {
      const r = await resolveBinding(binding, runInputs, outputs, artifacts);
      if (!r.ok) return { ok: false, message: `input "${name}": ${r.message}` };
      if (r.value !== undefined) recorded[name] = r.value;
    }
    return { ok: true, recorded: (await artifacts.externalize(recorded)) as Record<string, unknown> };
  } catch (err) {
    return { ok: false, message: `its input cannot be read back: ${(err as Error).message}` };
  }
}

/** The run's outputs in stored form; one whose value cannot be read back is left out. */
export async function resolveRunOutputs(plan: Plan, runInputs: Record<string, unknown>, outputs: ReadonlyMap<string, unknown>, artifacts: Artifacts): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(plan.outputs)) {
    const r = await resolveBinding(binding, runInputs, outputs, artifacts).catch(() => null);
    if (r?.ok && r.value !== undefined) out[name] = r.value;
  }
  return (await artifacts.externalize(out).catch(() => out)) as Record<string, unknown>;
}

/** Plan inputs with defaults applied; the names of required ones that are missing. */
export function applyInputDefaults(plan: Plan, given: Record<string, unknown>): { inputs: Record<string, unknown>; missing: string[] } {
  const inputs: Record<string, unknown> = { ...given };
  const missing: string[] = [];
  for (const pi of plan.inputs) {
    if (inputs[pi.name] !== undefined) continue;
    if (pi.default !== undefined) inputs[pi.name] = pi.default;
    else if (pi.required !== false) missing.push(pi.name);
  }
  return { inputs, missing };
}
