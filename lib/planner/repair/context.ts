/**
 * What every deterministic repair works on: a private copy of the plan, the catalog, and the
 * list of repairs made so far. Repairs change the copy in place and record what they did.
 */
import { z } from "zod";
import type { ActionSpec } from "../../core/action";
import type { CatalogView } from "../../core/catalog";
import { isAnySchema, isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, Plan, Step } from "../../core/plan";
import { downstreamOf } from "../../core/graph";
import { nameSimilarity } from "../../core/similarity";
import { isAssignable, schemaAtPath } from "../../core/type-compat";
import { isTypedSchema, kindOfSchema } from "../schema-kind";
import { words } from "../text/tokens";

export const RepairKind = z.enum([
  "step_id",
  "action_name",
  "reference_style",
  "self_reference",
  "step_reference",
  "path",
  "cycle",
  "order_edge",
  "literal",
  "input_name",
  "missing_input",
  "plan_input",
  "type_mismatch",
  "output",
  "drop_step",
]);
export type RepairKind = z.infer<typeof RepairKind>;

export const Repair = z.object({
  kind: RepairKind,
  stepId: z.string().optional(),
  input: z.string().optional(),
  message: z.string(),
  /** true when the repair removed something the plan said (a step, an input) */
  lossy: z.boolean().optional(),
});
export type Repair = z.infer<typeof Repair>;

export interface RepairOptions {
  /** allow repairs that remove steps or inputs (default true) */
  lossy?: boolean;
  /** bind inputs nothing provides to new plan inputs (default true) */
  planInputs?: boolean;
  maxSteps?: number;
}

export class RepairContext {
  readonly repairs: Repair[] = [];

  constructor(readonly plan: Plan, readonly catalog: CatalogView, readonly options: Required<RepairOptions>) {}

  record(repair: Repair) {
    this.repairs.push(repair);
  }

  step(id: string | undefined): Step | undefined {
    return id === undefined ? undefined : this.plan.steps.find((s) => s.id === id);
  }

  spec(step: Step | undefined): ActionSpec | undefined {
    return step ? this.catalog.get(step.action) : undefined;
  }

  inputSchemas(step: Step): Record<string, JsonSchema> {
    const spec = this.spec(step);
    return spec && isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
  }

  requiredInputs(step: Step): string[] {
    const spec = this.spec(step);
    return spec && Array.isArray(spec.input.required) ? (spec.input.required as string[]) : [];
  }

  /** The schema a binding produces, or undefined when unknown (unknown step, bad path). */
  schemaOf(binding: Binding): unknown {
    switch (binding.kind) {
      case "literal":
        return undefined;
      case "input":
        return this.plan.inputs.find((i) => i.name === binding.name)?.schema;
      case "step": {
        const spec = this.spec(this.step(binding.step));
        if (!spec) return undefined;
        if (!binding.path?.length) return spec.output;
        return schemaAtPath(spec.output, binding.path)?.schema;
      }
    }
  }

  /** Whether a binding can feed `target` (unknown sources count as not fitting). */
  fits(binding: Binding, target: unknown): boolean {
    const s = this.schemaOf(binding);
    return s !== undefined && !isAnySchema(s) && isAssignable(s, target).ok;
  }

  /** Steps that can feed `step` without making a cycle: not itself, not downstream of it. */
  upstreamCandidates(step: Step): Step[] {
    const below = downstreamOf(this.plan.steps, step.id);
    return this.plan.steps.filter((s) => s.id !== step.id && !below.has(s.id));
  }

  /**
   * The best source among earlier steps for `target`: the whole output or a top-level field
   * that fits, nearest first, not already bound to another input of the step when possible.
   */
  bestSource(step: Step, target: unknown, options: { exclude?: Set<string>; laterToo?: boolean; input?: string } = {}): Binding | undefined {
    const order = this.plan.steps.map((s) => s.id);
    const at = order.indexOf(step.id);
    const taken = new Set(Object.values(step.inputs).filter((b) => b.kind === "step").map((b) => `${(b as { step: string }).step}`));
    // Steps written after this one are only taken when asked: plans read top to bottom.
    const candidates = this.upstreamCandidates(step)
      .filter((s) => !options.exclude?.has(s.id) && (options.laterToo || order.indexOf(s.id) < at))
      .map((s) => ({ s, distance: order.indexOf(s.id) < at ? at - order.indexOf(s.id) : 1000 + order.indexOf(s.id) }))
      .sort((a, b) => Number(taken.has(a.s.id)) - Number(taken.has(b.s.id)) || a.distance - b.distance);
    // Plain text takes any string, so a field only counts when its name says it is the thing
    // (a `url` for a `url`); typed targets (a table, an image, a URL format) are matched by type.
    const plain = kindOfSchema(target) === "string" && !isTypedSchema(target);
    for (const { s } of candidates) {
      const spec = this.spec(s);
      if (!spec || isAnySchema(spec.output)) continue;
      if (isAssignable(spec.output, target).ok && (!plain || kindOfSchema(spec.output) === "string")) return { kind: "step", step: s.id };
      const props = isObject(spec.output.properties) ? spec.output.properties : {};
      for (const [field, schema] of Object.entries(props)) {
        if (isAnySchema(schema) || !isAssignable(schema, target).ok) continue;
        if (plain && !(options.input && namesMatch(field, options.input))) continue;
        return { kind: "step", step: s.id, path: [field] };
      }
    }
    return undefined;
  }

  /** Declare a plan input for `target` (or reuse one of the same name and type) and return a binding to it. */
  planInputFor(name: string, schema: JsonSchema, description?: string): Binding {
    const base = sanitizeInputName(name);
    let id = base;
    for (let k = 2; ; k++) {
      const existing = this.plan.inputs.find((i) => i.name === id);
      if (!existing) break;
      if (JSON.stringify(existing.schema) === JSON.stringify(schema) || isAnySchema(existing.schema)) {
        if (isAnySchema(existing.schema) && !isAnySchema(schema)) existing.schema = schema;
        return { kind: "input", name: id };
      }
      id = `${base}_${k}`;
    }
    this.plan.inputs.push({ name: id, schema, ...(description ? { description } : {}) });
    return { kind: "input", name: id };
  }

  /** Every binding in the plan that reads step `id`, with a setter to replace it. */
  *readersOf(id: string): Generator<{ step?: Step; input?: string; output?: string; binding: Binding; set(b: Binding): void }> {
    for (const s of this.plan.steps) {
      for (const [name, b] of Object.entries(s.inputs)) {
        if (b.kind === "step" && b.step === id) yield { step: s, input: name, binding: b, set: (nb) => { s.inputs[name] = nb; } };
      }
    }
    for (const [name, b] of Object.entries(this.plan.outputs)) {
      if (b.kind === "step" && b.step === id) yield { output: name, binding: b, set: (nb) => { this.plan.outputs[name] = nb; } };
    }
  }

  /** Remove a step; readers of it get `replacement` (or lose the input), `after` lists drop it. */
  removeStep(id: string, replacement?: Binding) {
    for (const r of [...this.readersOf(id)]) {
      if (replacement) r.set(replacement);
      else if (r.step && r.input) delete r.step.inputs[r.input];
      else if (r.output) delete this.plan.outputs[r.output];
    }
    this.plan.steps = this.plan.steps.filter((s) => s.id !== id);
    for (const s of this.plan.steps) {
      if (s.after?.includes(id)) {
        s.after = s.after.filter((a) => a !== id);
        if (!s.after.length) delete s.after;
      }
    }
  }
}

const CONTENT = new Set(["text", "content", "markdown", "body", "html", "svg", "summary", "report", "message"]);

/** Whether an output field's name says it is what an input of this name wants. */
function namesMatch(field: string, input: string): boolean {
  const f = field.toLowerCase();
  const i = input.toLowerCase();
  return f === i || (CONTENT.has(f) && CONTENT.has(i)) || words(input).includes(f) || nameSimilarity(field, input) >= 0.7;
}

/** A valid plan input name: letters, digits and _, starting with a letter or _. */
export function sanitizeInputName(name: string): string {
  let n = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (!n) n = "input";
  if (/^[0-9]/.test(n)) n = `_${n}`;
  return n.slice(0, 64);
}
