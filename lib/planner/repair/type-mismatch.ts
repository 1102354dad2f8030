/**
 * Outputs wired into inputs of another type. Tried in order: a field of the same output that
 * fits (`load` → `load.table`); swapping two inputs of the step that fit each other's slot;
 * another earlier output that fits; the source step's own input when it already is the right
 * thing (the video a transcriber was given); then, lossy, bypassing a step that turns X into
 * X, inserting a one-step converter, or making the input a plan input.
 */
import type { ActionSpec } from "../../core/action";
import { isInFlows } from "../../core/catalog";
import { checkValue } from "../../core/check-value";
import type { ValidationIssue } from "../../core/issues";
import { isAnySchema, isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, Step } from "../../core/plan";
import { isAssignable } from "../../core/type-compat";
import { kindOfSchema } from "../schema-kind";
import type { RepairContext } from "./context";

export function repairTypeMismatches(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  for (const issue of issues) {
    if (issue.code !== "type_mismatch" || !issue.input) continue;
    const step = ctx.step(issue.stepId);
    const b = step?.inputs[issue.input];
    if (!step || !b) continue;
    // One fix per pass: the next validation sees its effect on the other issues.
    if (fixOne(ctx, step, issue.input, b)) return true;
  }
  return false;
}

function fixOne(ctx: RepairContext, step: Step, input: string, b: Binding): boolean {
  const schemas = ctx.inputSchemas(step);
  const target = schemas[input] ?? {};
  const say = (message: string, lossy = false) => ctx.record({ kind: "type_mismatch", stepId: step.id, input, message, ...(lossy ? { lossy } : {}) });

  if (b.kind === "step") {
    const field = fieldThatFits(ctx, b, target);
    if (field) {
      step.inputs[input] = field;
      say(`${step.id}.${input} now reads ${b.step}.${(field as { path: string[] }).path.join(".")}, the part of ${b.step}'s output that fits`);
      return true;
    }
  }
  for (const [other, ob] of Object.entries(step.inputs)) {
    if (other === input) continue;
    if (fitsSlot(ctx, b, schemas[other]) && fitsSlot(ctx, ob, target)) {
      step.inputs[input] = ob;
      step.inputs[other] = b;
      say(`swapped ${step.id}.${input} and ${step.id}.${other}, which were in each other's place`);
      return true;
    }
  }
  const exclude = new Set(b.kind === "step" ? [b.step] : []);
  const read = Object.entries(step.inputs).filter(([k]) => k !== input).flatMap(([, v]) => (v.kind === "step" ? [v.step] : []));
  const source = ctx.bestSource(step, target, { exclude: new Set([...exclude, ...read]), input });
  if (source && source.kind === "step" && isBefore(ctx, source.step, step.id)) {
    step.inputs[input] = source;
    say(`${step.id}.${input} now reads ${source.step}${source.path?.length ? `.${source.path.join(".")}` : ""}, an earlier output that fits`);
    return true;
  }
  if (b.kind === "step") {
    const origin = ctx.step(b.step);
    const own = origin && Object.values(origin.inputs).find((ob) => fitsSlot(ctx, ob, target));
    if (origin && own) {
      step.inputs[input] = own;
      say(`${step.id}.${input} now takes what ${origin.id} was given, which already is ${kindName(target)}`);
      return true;
    }
  }
  if (!ctx.options.lossy) return false;
  const spec = ctx.spec(step);
  const sourceSchema = ctx.schemaOf(b);
  // A step that would turn X into X (a downloader fed a downloaded image) is not needed.
  if (spec && sourceSchema !== undefined && !isAnySchema(sourceSchema) && Object.keys(step.inputs).length <= 2 && sameKind(sourceSchema, spec.output)) {
    ctx.removeStep(step.id, b);
    say(`removed ${step.id} (${spec.title}): it was given ${kindName(sourceSchema)} and would only produce ${kindName(spec.output)} again`, true);
    return true;
  }
  if (sourceSchema !== undefined && !isAnySchema(sourceSchema)) {
    const converter = findConverter(ctx, sourceSchema, target);
    if (converter) {
      const id = freshId(ctx, converter.spec.id.split(".").pop() ?? "convert");
      const at = ctx.plan.steps.findIndex((s) => s.id === step.id);
      ctx.plan.steps.splice(at, 0, { id, action: converter.spec.id, inputs: { [converter.input]: b }, label: `${converter.spec.title} (added to convert)` });
      step.inputs[input] = { kind: "step", step: id };
      say(`inserted ${id} (${converter.spec.title}) to turn ${kindName(sourceSchema)} into what ${step.id}.${input} needs (${kindName(target)})`);
      return true;
    }
  }
  if (ctx.options.planInputs && !isAnySchema(target)) {
    const binding = ctx.planInputFor(input, target, spec ? `${spec.title}: ${input}` : undefined);
    step.inputs[input] = binding;
    say(`${step.id}.${input} had no source of the right type; it is now the plan input ${(binding as { name: string }).name}`, true);
    return true;
  }
  return false;
}

function fieldThatFits(ctx: RepairContext, b: Extract<Binding, { kind: "step" }>, target: unknown): Binding | undefined {
  const schema = ctx.schemaOf(b);
  if (!isObject(schema) || !isObject(schema.properties)) return undefined;
  for (const [field, s] of Object.entries(schema.properties)) {
    if (!isAnySchema(s) && isAssignable(s, target).ok) return { kind: "step", step: b.step, path: [...(b.path ?? []), field] };
  }
  return undefined;
}

function fitsSlot(ctx: RepairContext, b: Binding, target: unknown): boolean {
  if (target === undefined) return false;
  if (b.kind === "literal") return checkValue(b.value, target).length === 0;
  if (b.kind === "input") {
    const s = ctx.schemaOf(b);
    return s === undefined || isAnySchema(s) || isAssignable(s, target).ok;
  }
  return ctx.fits(b, target);
}

function isBefore(ctx: RepairContext, a: string, b: string): boolean {
  const ids = ctx.plan.steps.map((s) => s.id);
  return ids.indexOf(a) < ids.indexOf(b);
}

function sameKind(a: unknown, b: unknown): boolean {
  return isAssignable(a, b).ok && isAssignable(b, a).ok && !isAnySchema(b);
}

/** An action with one required input that takes `from` and an output that fits `to`. */
function findConverter(ctx: RepairContext, from: unknown, to: unknown): { spec: ActionSpec; input: string } | undefined {
  const found: { spec: ActionSpec; input: string }[] = [];
  for (const spec of ctx.catalog.list()) {
    if (!isInFlows(spec, ctx.plan.flows) || isAnySchema(spec.output) || !isAssignable(spec.output, to).ok) continue;
    const required = Array.isArray(spec.input.required) ? (spec.input.required as string[]) : [];
    const props = isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
    if (required.length !== 1 || isAnySchema(props[required[0]])) continue;
    // The converter must take this kind of thing, not merely any string (an image is not text).
    if (isAssignable(from, props[required[0]]).ok && kindOfSchema(from) === kindOfSchema(props[required[0]])) found.push({ spec, input: required[0] });
  }
  // Only an unambiguous converter is added; a choice between several is the LLM's or a person's.
  return found.length === 1 ? found[0] : undefined;
}

function freshId(ctx: RepairContext, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_-]+/g, "_");
  let id = clean;
  for (let k = 2; ctx.step(id); k++) id = `${clean}_${k}`;
  return id;
}

function kindName(schema: unknown): string {
  if (!isObject(schema)) return "a value";
  if (typeof schema.format === "string") return schema.format === "uri" ? "a URL" : `${/^[aeiou]/.test(schema.format) ? "an" : "a"} ${schema.format}`;
  return typeof schema.type === "string" ? (schema.type === "string" ? "text" : `${/^[aeiou]/.test(schema.type) ? "an" : "a"} ${schema.type}`) : "a value";
}
