/** Resolves a step's bindings to values from run inputs, literals and upstream outputs. */
import { readPath, printPath, type Binding, type Plan, type Step } from "../core";

export type Resolution = { ok: true; input: Record<string, unknown> } | { ok: false; message: string };

export function resolveBinding(binding: Binding, runInputs: Record<string, unknown>, outputs: ReadonlyMap<string, unknown>): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (binding.kind) {
    case "literal":
      return { ok: true, value: binding.value };
    case "input":
      if (!(binding.name in runInputs)) return { ok: false, message: `the plan input "${binding.name}" has no value` };
      return { ok: true, value: runInputs[binding.name] };
    case "step": {
      if (!outputs.has(binding.step)) return { ok: false, message: `step "${binding.step}" has no output` };
      const value = readPath(outputs.get(binding.step), binding.path);
      if (value === undefined && binding.path?.length) {
        return { ok: false, message: `the output of "${binding.step}" has no ${printPath(binding.path).replace(/^\./, "")}` };
      }
      return { ok: true, value };
    }
  }
}

export function resolveStepInput(step: Step, runInputs: Record<string, unknown>, outputs: ReadonlyMap<string, unknown>): Resolution {
  const input: Record<string, unknown> = {};
  for (const [name, binding] of Object.entries(step.inputs)) {
    const r = resolveBinding(binding, runInputs, outputs);
    if (!r.ok) return { ok: false, message: `input "${name}": ${r.message}` };
    if (r.value !== undefined) input[name] = r.value;
  }
  return { ok: true, input };
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
