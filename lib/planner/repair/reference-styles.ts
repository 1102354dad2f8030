/**
 * References written in other styles than `${steps.id.output}`: `<node-2>`, `{{steps.a.output}}`,
 * `$steps.a.output.table`, `${load.output.table}`, `steps.a.output`, `${region}` for a plan
 * input. Whole-value references become bindings; references inside longer text stay text and
 * the step waits for the step they name (a missing order edge).
 */
import { parseReference, splitPath } from "../../core/binding-text";
import type { Binding, PathSegment, Step } from "../../core/plan";
import type { RepairContext } from "./context";

const NODE = /^<\s*node[-_ ]?(\d+)\s*>((?:\.[A-Za-z_][\w-]*|\[\d+\])*)$/i;
const WRAPPED = /^(?:\$\{\s*([^}]+?)\s*\}|\{\{\s*([^}]+?)\s*\}\}|\$([A-Za-z_][\w.[\]-]*)|<\s*([A-Za-z_][\w.[\]-]*)\s*>)$/;
const EMBEDDED = /\$\{\s*steps\.([A-Za-z_][\w-]*)[^}]*\}|\{\{\s*steps\.([A-Za-z_][\w-]*)[^}]*\}\}|<\s*node[-_ ]?(\d+)\s*>/g;

export function repairReferenceStyles(ctx: RepairContext): boolean {
  let changed = false;
  const ids = ctx.plan.steps.map((s) => s.id);
  for (const step of ctx.plan.steps) {
    for (const [name, b] of Object.entries(step.inputs)) {
      if (b.kind !== "literal" || typeof b.value !== "string") continue;
      const text = b.value.trim();
      const ref = readReference(text, ctx, ids);
      if (ref) {
        step.inputs[name] = ref;
        ctx.record({ kind: "reference_style", stepId: step.id, input: name, message: `read "${text}" in ${step.id}.${name} as a reference to ${describe(ref)}` });
        changed = true;
        continue;
      }
      for (const dep of embeddedSteps(text, ids)) changed = addAfter(ctx, step, dep, text, name) || changed;
    }
  }
  for (const [name, b] of Object.entries(ctx.plan.outputs)) {
    if (b.kind !== "literal" || typeof b.value !== "string") continue;
    const ref = readReference(b.value.trim(), ctx, ids);
    if (ref) {
      ctx.plan.outputs[name] = ref;
      ctx.record({ kind: "reference_style", message: `read the plan output "${name}" (${b.value}) as a reference to ${describe(ref)}` });
      changed = true;
    }
  }
  return changed;
}

function readReference(text: string, ctx: RepairContext, ids: string[]): Binding | undefined {
  const node = NODE.exec(text);
  if (node) {
    const k = Number(node[1]);
    if (k >= ids.length) return undefined;
    const path = node[2] ? splitPath(`x${node[2]}`)?.slice(1) : [];
    return path && path.length ? { kind: "step", step: ids[k], path } : { kind: "step", step: ids[k] };
  }
  const m = WRAPPED.exec(text);
  const bare = /^(?:steps?|inputs?)\.[A-Za-z_]/.test(text) ? text : undefined;
  const expr = m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : bare;
  if (!expr) return undefined;
  // `<placeholder>` and `{{name}}` are often meant as text; only take them when they name something in the plan.
  const loose = m !== null && (m[2] !== undefined || m[4] !== undefined);
  const parsed = parseReference(expr);
  if (parsed.ok) {
    const bnd = parsed.binding;
    if (bnd.kind === "step" && ids.includes(bnd.step)) return bnd;
    if (bnd.kind === "input" && (!loose || ctx.plan.inputs.some((i) => i.name === bnd.name))) return bnd;
    return undefined;
  }
  const segments = splitPath(expr);
  if (!segments || typeof segments[0] !== "string") return undefined;
  const [head, ...rest] = segments as [string, ...PathSegment[]];
  if (ids.includes(head)) {
    const path = rest[0] === "output" || rest[0] === "outputs" || rest[0] === "result" ? rest.slice(1) : rest;
    return path.length ? { kind: "step", step: head, path } : { kind: "step", step: head };
  }
  if (rest.length === 0 && ctx.plan.inputs.some((i) => i.name === head)) return { kind: "input", name: head };
  if ((head === "params" || head === "input" || head === "inputs") && rest.length === 1 && typeof rest[0] === "string") {
    return { kind: "input", name: rest[0] };
  }
  return undefined;
}

function embeddedSteps(text: string, ids: string[]): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(EMBEDDED)) {
    const id = m[1] ?? m[2] ?? (m[3] !== undefined ? ids[Number(m[3])] : undefined);
    if (id && ids.includes(id)) out.add(id);
  }
  return [...out];
}

function addAfter(ctx: RepairContext, step: Step, dep: string, text: string, input: string): boolean {
  if (dep === step.id || step.after?.includes(dep)) return false;
  if (Object.values(step.inputs).some((b) => b.kind === "step" && b.step === dep)) return false;
  step.after = [...(step.after ?? []), dep];
  const short = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  ctx.record({ kind: "order_edge", stepId: step.id, input, message: `${step.id} now waits for ${dep}, which its text "${short}" mentions` });
  return true;
}

function describe(b: Binding): string {
  if (b.kind === "step") return `${b.step}'s output${b.path?.length ? ` (${b.path.join(".")})` : ""}`;
  if (b.kind === "input") return `the plan input ${b.name}`;
  return "a value";
}
