/**
 * A remembered plan made over for a new goal. The steps, their actions and how data flows
 * between them stay; the values the old goal stated are rebound to the values the new goal
 * states (the same kind, in the same order: the second file name for the second file name), and
 * a value of the old goal that the new one does not give is never carried over: it is taken from
 * the new goal's own reading (the plan made from scratch, same action and input) or becomes a
 * plan input the person fills. Values that were not the old goal's (a format, a column name the
 * plan chose) are kept. The caller validates the result with the same validator as any plan.
 */
import type { CatalogView } from "../../core/catalog";
import { isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, Plan, PlanInput, Step } from "../../core/plan";
import { extractLiterals, type GoalLiteral } from "../offline/literals";
import type { RememberedPlan } from "./remembered-plan";

export interface AdaptOptions {
  /** the plan made from scratch for the new goal: its literals for the same action and input are the new goal's values */
  scratch?: Plan;
  flows?: string[];
}

export interface Adapted {
  plan: Plan;
  /** what changed, for the planning record */
  changes: string[];
}

type Value = string | number;

export function adaptPlan(remembered: RememberedPlan, goal: string, catalog: CatalogView, options: AdaptOptions = {}): Adapted {
  const oldLits = extractLiterals(remembered.goal);
  const newLits = extractLiterals(goal);
  const mapped = mapLiterals(oldLits, newLits);
  const oldGoal = remembered.goal.toLowerCase();
  const newGoal = goal.toLowerCase();
  const changes: string[] = [];
  const inputs: PlanInput[] = remembered.plan.inputs.map((i) => structuredClone(i));
  const names = new Set(inputs.map((i) => i.name));

  const rebind = (step: Step, name: string, value: unknown): Binding => {
    if (typeof value !== "string" && typeof value !== "number") return { kind: "literal", value: structuredClone(value) };
    const old = findLiteral(oldLits, value);
    if (old) {
      const next = mapped.get(old);
      if (next) {
        if (next.value !== value) changes.push(`${step.id}.${name}: ${show(value)} → ${show(next.value)} (from the goal)`);
        return { kind: "literal", value: typeof value === "number" && typeof next.value !== "number" ? Number(next.value) || next.value : next.value };
      }
    } else if (!(typeof value === "string" && value.trim().length >= 3 && oldGoal.includes(value.trim().toLowerCase()) && !newGoal.includes(value.trim().toLowerCase()))) {
      return { kind: "literal", value };
    }
    // A value the old goal stated and the new one does not: what the new goal says in the same place, its own reading, or ask.
    const aligned = typeof value === "string" ? alignedSpan(remembered.goal, value, goal) : undefined;
    if (aligned !== undefined) {
      changes.push(`${step.id}.${name}: ${show(value)} → ${show(aligned)} (from the goal)`);
      return { kind: "literal", value: aligned };
    }
    const fromScratch = scratchLiteral(options.scratch, step.action, name);
    if (fromScratch !== undefined) {
      changes.push(`${step.id}.${name}: ${show(value)} → ${show(fromScratch)} (read from the goal)`);
      return { kind: "literal", value: structuredClone(fromScratch) };
    }
    const inputName = uniqueName(name, names);
    names.add(inputName);
    inputs.push({ name: inputName, schema: inputSchema(catalog, step.action, name), description: `${name} of step ${step.id}` });
    changes.push(`${step.id}.${name}: ${show(value)} is not in the goal; asked as plan input ${inputName}`);
    return { kind: "input", name: inputName };
  };

  const steps: Step[] = remembered.plan.steps.map((s) => {
    const step: Step = structuredClone(s);
    for (const [name, b] of Object.entries(s.inputs)) {
      if (b.kind === "literal") step.inputs[name] = rebind(s, name, b.value);
    }
    if (step.label) step.label = relabel(step.label, mapped);
    return step;
  });

  return {
    plan: { goal, flows: options.flows ?? remembered.plan.flows, inputs, steps, outputs: structuredClone(remembered.plan.outputs) },
    changes,
  };
}

/** Old literal → new literal of the same kind: the same text where both goals state it, else by order within the kind. */
function mapLiterals(oldLits: readonly GoalLiteral[], newLits: readonly GoalLiteral[]): Map<GoalLiteral, GoalLiteral> {
  const out = new Map<GoalLiteral, GoalLiteral>();
  const used = new Set<GoalLiteral>();
  for (const o of oldLits) {
    const same = newLits.find((n) => !used.has(n) && n.kind === o.kind && String(n.value).toLowerCase() === String(o.value).toLowerCase());
    if (same) { out.set(o, same); used.add(same); }
  }
  for (const o of oldLits) {
    if (out.has(o)) continue;
    const next = newLits.find((n) => !used.has(n) && n.kind === o.kind);
    if (next) { out.set(o, next); used.add(next); }
  }
  return out;
}

function findLiteral(lits: readonly GoalLiteral[], value: Value): GoalLiteral | undefined {
  const v = String(value).trim().toLowerCase();
  if (!v) return undefined;
  return lits.find((l) => String(l.value).toLowerCase() === v || l.text.toLowerCase() === v);
}

/**
 * The text of the new goal in the place the value held in the old one: between the same words
 * before it and the same words after it (up to three each side; the end of the goal when the
 * value ended it). Undefined when the new goal does not have those words around one span.
 */
export function alignedSpan(oldGoal: string, value: string, newGoal: string): string | undefined {
  const at = oldGoal.toLowerCase().indexOf(value.trim().toLowerCase());
  if (at < 0) return undefined;
  const before = oldGoal.slice(0, at).match(/(?:\S+\s+){1,3}$/)?.[0];
  if (!before) return undefined;
  const afterText = oldGoal.slice(at + value.trim().length);
  const after = afterText.match(/^[\s,;:]*(?:\S+(?:\s+|$)){0,3}/)?.[0].trim() ?? "";
  const lower = newGoal.toLowerCase();
  const start = lower.indexOf(before.toLowerCase());
  if (start < 0 || lower.indexOf(before.toLowerCase(), start + 1) >= 0) return undefined;
  const from = start + before.length;
  let to: number;
  if (after) {
    to = lower.indexOf(after.toLowerCase(), from);
    if (to < 0) return undefined;
  } else {
    to = newGoal.length;
  }
  const span = newGoal.slice(from, to).trim().replace(/[.,;:!?]+$/, "").trim();
  if (!span || span.length > value.length * 3 + 40 || /[.!?]\s/.test(span)) return undefined;
  return span;
}

function scratchLiteral(scratch: Plan | undefined, action: string, input: string): unknown {
  for (const s of scratch?.steps ?? []) {
    const b = s.action === action ? s.inputs[input] : undefined;
    if (b?.kind === "literal") return b.value;
  }
  return undefined;
}

function inputSchema(catalog: CatalogView, action: string, input: string): JsonSchema {
  const props = catalog.get(action)?.input.properties;
  const s = isObject(props) ? (props as Record<string, JsonSchema>)[input] : undefined;
  return isObject(s) ? structuredClone(s) : {};
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, "_").replace(/^([^A-Za-z_])/, "_$1").slice(0, 60) || "value";
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean}_${i}`)) return `${clean}_${i}`;
}

function relabel(label: string, mapped: ReadonlyMap<GoalLiteral, GoalLiteral>): string {
  let out = label;
  for (const [o, n] of mapped) if (o.text && out.includes(o.text)) out = out.split(o.text).join(n.text);
  return out;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
