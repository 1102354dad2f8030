/** Step ids the validator refuses (spaces, leading digits) or that repeat: renamed, references follow. */
import { STEP_ID_PATTERN, type Binding } from "../../core/plan";
import type { RepairContext } from "./context";

export function repairStepIds(ctx: RepairContext): boolean {
  const seen = new Set<string>();
  const renames = new Map<string, string>();
  let changed = false;
  for (const step of ctx.plan.steps) {
    let id = step.id;
    if (!STEP_ID_PATTERN.test(id)) {
      id = id.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^[^A-Za-z_]+/, "") || "step";
      id = /^[A-Za-z_]/.test(id) ? id.slice(0, 60) : `s_${id}`.slice(0, 60);
    }
    const base = id;
    for (let k = 2; seen.has(id); k++) id = `${base.slice(0, 56)}_${k}`;
    seen.add(id);
    if (id !== step.id) {
      const duplicate = renames.has(step.id) || ctx.plan.steps.filter((s) => s.id === step.id).length > 1;
      ctx.record({ kind: "step_id", stepId: id, message: duplicate ? `renamed a second step "${step.id}" to "${id}"` : `renamed step "${step.id}" to "${id}" (ids are letters, digits, _ and -)` });
      // References to a repeated id keep meaning the first step that has it.
      if (!duplicate) renames.set(step.id, id);
      step.id = id;
      changed = true;
    }
  }
  if (!renames.size) return changed;
  const fix = (b: Binding): Binding => (b.kind === "step" && renames.has(b.step) ? { ...b, step: renames.get(b.step)! } : b);
  for (const step of ctx.plan.steps) {
    for (const [k, b] of Object.entries(step.inputs)) step.inputs[k] = fix(b);
    if (step.after) step.after = step.after.map((a) => renames.get(a) ?? a);
  }
  for (const [k, b] of Object.entries(ctx.plan.outputs)) ctx.plan.outputs[k] = fix(b);
  return true;
}
