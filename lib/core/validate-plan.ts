/**
 * The validator: every check that can be made before anything runs. The editor runs it
 * on every edit, the server before saving and running, the planner before repair.
 */
import type { ActionSpec } from "./action";
import type { CatalogView } from "./catalog";
import { isInFlows } from "./catalog";
import { checkValue, formatValueErrors } from "./check-value";
import { buildGraph, findCycles, reachable, type Graph } from "./graph";
import type { Candidate, ValidationIssue } from "./issues";
import { hasErrors } from "./issues";
import { describeType, isAnySchema, isObject, typeKind, type JsonSchema } from "./json-schema";
import { MAX_FOR_EACH_ITEMS, stepOutputSchema } from "./for-each";
import { Plan, STEP_ID_PATTERN, type Binding, type Step } from "./plan";
import { bindingLabel, printPath } from "./binding-text";
import { nameSimilarity, nearestNames } from "./similarity";
import { isAssignable, schemaAtPath } from "./type-compat";
import { conditionOperands } from "./condition";
import { printOperand } from "./condition-text";
import { conditionTypeProblems, type OperandType } from "./validate-condition";
import type { SingleBinding } from "./binding";

export interface ValidateOptions {
  maxSteps?: number;
}

export interface ValidationResult {
  plan?: Plan;
  issues: ValidationIssue[];
  valid: boolean;
}

/** A value checked against the plan format: the typed plan, or why it is not one. */
export type ParsedPlan = { ok: true; plan: Plan } | { ok: false; issues: ValidationIssue[] };

/**
 * The most steps a plan may have, saved or run: one limit, so a draft that is invalid for its
 * size can never run. A planning request or a run may ask for fewer (`maxSteps`), never more.
 */
export const MAX_PLAN_STEPS = 10_000;
export const DEFAULT_MAX_STEPS = MAX_PLAN_STEPS;

/**
 * The shape check, for a value from outside (a file, a request, an LLM's answer): a typed
 * Plan, or issues (invalid_plan, invalid_step_id) naming where the value differs from the
 * plan format. The semantic checks are validatePlan's.
 */
export function parsePlan(input: unknown): ParsedPlan {
  const parsed = Plan.safeParse(input);
  if (parsed.success) return { ok: true, plan: parsed.data };
  const issues = parsed.error.issues.slice(0, 50).map((zi): ValidationIssue => {
    const stepIndex = zi.path[0] === "steps" && typeof zi.path[1] === "number" ? zi.path[1] : undefined;
    const raw = stepIndex !== undefined && isObject(input) && Array.isArray(input.steps) ? input.steps[stepIndex] : undefined;
    const stepId = isObject(raw) && typeof raw.id === "string" ? raw.id : undefined;
    const where = zi.path.map(String).join(".");
    const isId = zi.path[0] === "steps" && zi.path[2] === "id" && zi.path.length === 3;
    return {
      code: isId ? "invalid_step_id" : "invalid_plan",
      severity: "error",
      stepId,
      message: `${where || "plan"}: ${zi.message}`,
      hint: isId ? "Use letters, digits, _ and -, starting with a letter." : "Fix the plan's shape; the JSON must match the plan format.",
    };
  });
  return { ok: false, issues };
}

/**
 * The semantic checks on a typed plan (one that parsePlan or the Plan schema produced):
 * actions and flows, references, types, cycles, outputs, plan inputs.
 */
export function validatePlan(plan: Plan, catalog: CatalogView, options: ValidateOptions = {}): ValidationResult {
  const issues = new PlanChecker(plan, catalog, options).run();
  return { plan, issues, valid: !hasErrors(issues) };
}

class PlanChecker {
  private readonly issues: ValidationIssue[] = [];
  private readonly stepById = new Map<string, Step>();
  private readonly specOf = new Map<string, ActionSpec>();
  private readonly planInputs = new Map<string, JsonSchema>();
  private downstreamCache = new Map<string, Set<string>>();
  /** each for-each step's list schema; null when it is not a list (reported) */
  private readonly forEachList = new Map<string, unknown>();
  private readonly itemReported = new Set<string>();
  private graph?: Graph;

  constructor(private readonly plan: Plan, private readonly catalog: CatalogView, private readonly options: ValidateOptions) {}

  run(): ValidationIssue[] {
    const { plan } = this;
    const max = Math.min(this.options.maxSteps ?? DEFAULT_MAX_STEPS, MAX_PLAN_STEPS);
    if (plan.steps.length === 0) {
      this.add({ code: "empty_plan", severity: "error", message: "The plan has no steps.", hint: "Add a step from the palette, or plan again with a more specific goal." });
    }
    if (plan.steps.length > max) {
      this.add({ code: "too_many_steps", severity: "error", message: `The plan has ${plan.steps.length} steps; at most ${max} are allowed.`, hint: "Split the work into smaller plans." });
    }
    this.checkPlanInputs();
    for (const step of plan.steps) {
      if (this.stepById.has(step.id)) {
        this.add({ code: "duplicate_step_id", severity: "error", stepId: step.id, message: `Two steps are named "${step.id}".`, hint: "Give each step its own id." });
        continue;
      }
      if (!STEP_ID_PATTERN.test(step.id)) {
        this.add({ code: "invalid_step_id", severity: "error", stepId: step.id, message: `"${step.id}" is not a valid step id.`, hint: "Use letters, digits, _ and -, starting with a letter." });
      }
      this.stepById.set(step.id, step);
      const spec = this.resolveAction(step);
      if (spec) this.specOf.set(step.id, spec);
    }
    for (const step of plan.steps) this.checkStep(step);
    this.checkCycles();
    this.checkOutputs();
    this.checkResult();
    this.checkUnusedInputs();
    return this.issues;
  }

  private add(issue: ValidationIssue) {
    this.issues.push(issue);
  }

  private checkPlanInputs() {
    for (const pi of this.plan.inputs) {
      if (this.planInputs.has(pi.name)) {
        this.add({ code: "duplicate_plan_input", severity: "error", input: pi.name, message: `The plan input "${pi.name}" is declared twice.`, hint: "Remove or rename one of them." });
        continue;
      }
      this.planInputs.set(pi.name, pi.schema);
      if (pi.default !== undefined) {
        const errs = checkValue(pi.default, pi.schema);
        if (errs.length) {
          this.add({ code: "invalid_plan_input_default", severity: "error", input: pi.name, message: `The default of plan input "${pi.name}" does not fit its type ${describeType(pi.schema)}: ${formatValueErrors(errs)}.` });
        }
      }
    }
  }

  private resolveAction(step: Step): ActionSpec | undefined {
    const spec = this.catalog.get(step.action);
    const source = spec ? undefined : this.catalog.sourceOf?.(step.action);
    if (source && source.status !== "ok") {
      // The server that would list it is down or still connecting: say so, not "no such action".
      this.add({
        code: "action_unavailable",
        severity: "error",
        stepId: step.id,
        message: `Step "${step.id}" uses "${step.action}", but ${source.id} is ${source.status === "connecting" ? "still connecting" : `unavailable: ${source.reason ?? "no reason given"}`}.`,
        hint: "Check the server on the catalog page; Trellis reconnects on its own.",
      });
      return undefined;
    }
    if (spec?.unavailable) {
      this.add({
        code: "action_unavailable",
        severity: "error",
        stepId: step.id,
        message: `Step "${step.id}" uses "${step.action}", which cannot run now: ${spec.unavailable}.`,
        hint: "Check its server on the catalog page; Trellis reconnects on its own.",
      });
    }
    if (!spec) {
      const names = new Map<string, string>();
      for (const s of this.catalog.list()) names.set(s.id, s.title);
      const scored = [...names.entries()]
        .map(([id, title]) => ({ value: id, label: title, score: Math.max(nameSimilarity(step.action, id), nameSimilarity(step.action, title)) }))
        .filter((c) => c.score >= 0.45)
        .sort((a, b) => b.score - a.score)
        .slice(0, 3)
        .map((c): Candidate => ({ kind: "action", value: c.value, label: c.label, score: Math.round(c.score * 100) / 100 }));
      this.add({
        code: "unknown_action",
        severity: "error",
        stepId: step.id,
        message: `Step "${step.id}" uses "${step.action}", which is not in the catalog.`,
        hint: scored.length ? `Did you mean ${scored.map((c) => `"${c.value}"`).join(" or ")}?` : "Pick an action from the palette.",
        candidates: scored.length ? scored : undefined,
      });
      return undefined;
    }
    if (this.plan.flows.length && !isInFlows(spec, this.plan.flows)) {
      const alternatives = nearestNames(spec.title, this.catalog.list().filter((s) => isInFlows(s, this.plan.flows)).map((s) => s.id), 3, 0.3);
      this.add({
        code: "action_not_in_flow",
        severity: "error",
        stepId: step.id,
        message: `"${spec.id}" belongs to ${spec.flows.join(", ")}, not to this plan's flows (${this.plan.flows.join(", ")}).`,
        hint: `Add the flow ${spec.flows[0]} to the plan, or use another action.`,
        candidates: alternatives.length ? alternatives.map((a) => ({ kind: "action", value: a.value, score: a.score })) : undefined,
      });
    }
    return spec;
  }

  private checkStep(step: Step) {
    const spec = this.specOf.get(step.id);
    const inputSchema: JsonSchema = spec?.input ?? {};
    const props = spec && isObject(inputSchema.properties) ? (inputSchema.properties as Record<string, unknown>) : {};
    const open = !spec || (inputSchema.additionalProperties !== false && Object.keys(props).length === 0);
    const dataDeps = new Set<string>();

    if (step.forEach) this.checkForEach(step, spec);
    for (const [name, binding] of Object.entries(step.inputs)) {
      let target: unknown = {};
      if (spec && !(name in props)) {
        if (!open) {
          const unbound = Object.keys(props).filter((p) => !(p in step.inputs));
          const near = nearestNames(name, unbound.length ? unbound : Object.keys(props), 3, 0.3);
          this.add({
            code: "unknown_input",
            severity: "error",
            stepId: step.id,
            input: name,
            message: `"${spec.id}" has no input "${name}".`,
            hint: Object.keys(props).length ? `Its inputs are ${Object.keys(props).join(", ")}.` : `"${spec.id}" takes no input.`,
            candidates: near.length ? near.map((n) => ({ kind: "input" as const, value: n.value, score: n.score })) : undefined,
          });
          for (const b of binding.kind === "firstOf" ? binding.of : [binding]) {
            if (b.kind === "step") dataDeps.add(b.step);
            this.checkReference(step, name, b, undefined);
          }
          continue;
        }
      } else if (spec) target = props[name];
      for (const b of binding.kind === "firstOf" ? binding.of : [binding]) if (b.kind === "step") dataDeps.add(b.step);
      this.checkBinding(step, name, binding, spec ? target : undefined);
    }
    if (step.when) this.checkCondition(step);
    if (step.forEach?.items.kind === "step") dataDeps.add(step.forEach.items.step);

    if (spec) {
      const required = Array.isArray(inputSchema.required) ? (inputSchema.required as string[]) : [];
      for (const r of required) {
        if (r in step.inputs || isAnySchema(props[r])) continue;
        const target = props[r] ?? {};
        const candidates = this.candidatesFor(step, target);
        this.add({
          code: "missing_required_input",
          severity: "error",
          stepId: step.id,
          input: r,
          message: `Step "${step.id}" needs "${r}" (${describeType(target)}) and nothing provides it.`,
          hint: candidates.length
            ? `Connect ${candidates[0].label ?? candidates[0].value}, set a value, or bind a plan input.`
            : "Set a value, or bind it to a plan input.",
          candidates: candidates.length ? candidates : undefined,
        });
      }
    }

    for (const dep of step.after ?? []) {
      if (dep === step.id) {
        this.add({ code: "self_reference", severity: "error", stepId: step.id, message: `Step "${step.id}" waits for itself.`, hint: "Remove it from its own order dependencies." });
      } else if (!this.stepById.has(dep)) {
        const near = nearestNames(dep, this.stepById.keys(), 3, 0.3);
        this.add({
          code: "unknown_after_ref",
          severity: "error",
          stepId: step.id,
          message: `Step "${step.id}" waits for "${dep}", which is not a step of this plan.`,
          hint: "Remove the dependency or pick an existing step.",
          candidates: near.length ? near.map((n) => ({ kind: "step" as const, value: n.value, score: n.score })) : undefined,
        });
      } else if (dataDeps.has(dep)) {
        this.add({ code: "redundant_after", severity: "info", stepId: step.id, message: `Step "${step.id}" already waits for "${dep}" through its inputs.`, hint: "The order dependency can be removed." });
      }
    }

    if (spec && step.onError === "continue" && step.fallback !== undefined) {
      const errs = checkValue(step.fallback, spec.output);
      if (errs.length) {
        this.add({ code: "invalid_step_setting", severity: "error", stepId: step.id, message: `The fallback of step "${step.id}" does not fit the output of "${spec.id}": ${formatValueErrors(errs)}.` });
      }
    }
    if (spec && step.onError === "continue" && step.fallback === undefined && !isAnySchema(spec.output)) {
      this.add({ code: "invalid_step_setting", severity: "warning", stepId: step.id, message: `Step "${step.id}" continues on error but has no fallback output; steps that read its output will be skipped if it fails.` });
    }
  }

  private checkBinding(step: Step, name: string, binding: Binding, target: unknown) {
    switch (binding.kind) {
      case "firstOf":
        // each branch must fit the input on its own: whichever produced the value feeds it
        for (const b of binding.of) this.checkBinding(step, name, b, target);
        return;
      case "literal": {
        if (target === undefined) return;
        const errs = checkValue(binding.value, target);
        if (errs.length) {
          this.add({
            code: "invalid_literal",
            severity: "error",
            stepId: step.id,
            input: name,
            message: `The value of "${name}" does not fit ${describeType(target)}: ${formatValueErrors(errs)}.`,
            hint: "Change the value, or connect a step output instead.",
            candidates: this.maybeCandidates(step, target),
          });
        }
        return;
      }
      case "input": {
        const schema = this.planInputs.get(binding.name);
        if (schema === undefined) {
          this.add({
            code: "missing_plan_input",
            severity: "error",
            stepId: step.id,
            input: name,
            message: `"${name}" reads the plan input "${binding.name}", which the plan does not declare.`,
            hint: `Declare a plan input "${binding.name}"${target !== undefined ? ` of type ${describeType(target)}` : ""}.`,
          });
          return;
        }
        if (target === undefined) return;
        const r = isAssignable(schema, target);
        if (!r.ok) {
          this.add({ code: "type_mismatch", severity: "error", stepId: step.id, input: name, message: `Plan input "${binding.name}" (${describeType(schema)}) cannot feed "${name}" (${describeType(target)}): ${r.reason}.`, hint: "Change the plan input's type or bind another value." });
        }
        return;
      }
      case "step":
        this.checkReference(step, name, binding, target);
        return;
      case "item": {
        const item = this.itemSchema(step, { stepId: step.id, input: name });
        if (item === undefined || target === undefined) return;
        const found = binding.path?.length ? schemaAtPath(item, binding.path) : { schema: item, optional: false };
        if (!found) {
          this.add({ code: "invalid_path", severity: "error", stepId: step.id, input: name, message: `An item of step "${step.id}" (${describeType(item)}) has no ${printPath(binding.path).replace(/^\./, "")}.`, hint: fieldsOf(item as JsonSchema).length ? `An item has ${fieldsOf(item as JsonSchema).join(", ")}.` : undefined });
          return;
        }
        const r = isAssignable(found.schema, target);
        if (!r.ok) this.add({ code: "type_mismatch", severity: "error", stepId: step.id, input: name, message: `${bindingLabel(binding)} is ${describeType(found.schema)}, but "${name}" of step "${step.id}" needs ${describeType(target)}: ${r.reason}.`, hint: "Pick a field of the item that fits, or change what the step iterates over." });
      }
    }
  }

  /** The schema of an output of a step: a for-each step's is the list of its action's outputs. */
  private outputOf(stepId: string): JsonSchema | undefined {
    const spec = this.specOf.get(stepId);
    const step = this.stepById.get(stepId);
    return spec && step ? (stepOutputSchema(step, spec.output) as JsonSchema) : undefined;
  }

  /**
   * The schema of the current item of a for-each step (any, when its list's type is unknown);
   * undefined, reported once, when the step has no `forEach` or its list is not a list.
   */
  private itemSchema(step: Step, at: { stepId: string; input?: string; when?: true }): unknown {
    if (!step.forEach) {
      if (!this.itemReported.has(step.id)) this.add({ code: "item_outside_for_each", severity: "error", ...at, message: `Step "${step.id}" reads \${item}, but it has no "forEach": only a for-each step has a current item.`, hint: 'Set "forEach" on the step (the list to run it for), or bind another value.' });
      this.itemReported.add(step.id);
      return undefined;
    }
    const list = this.forEachList.get(step.id);
    if (list === undefined) return {};
    if (list === null) return undefined;
    return isObject(list) && isObject(list.items) ? list.items : {};
  }

  /** `forEach`: its list must be a list, its step not wait for a person. */
  private checkForEach(step: Step, spec: ActionSpec | undefined) {
    const fe = step.forEach!;
    const at = { stepId: step.id };
    const b = fe.items;
    let schema: unknown;
    if (b.kind === "literal") {
      if (!Array.isArray(b.value)) schema = { const: b.value };
      else if (b.value.length > MAX_FOR_EACH_ITEMS) this.add({ code: "invalid_for_each", severity: "error", ...at, message: `Step "${step.id}" runs for ${b.value.length} items; at most ${MAX_FOR_EACH_ITEMS} are allowed.`, hint: "Split the list, or run the plan more than once." });
      else schema = { type: "array", items: {} };
    } else if (b.kind === "input") {
      schema = this.planInputs.get(b.name);
      if (schema === undefined) this.add({ code: "missing_plan_input", severity: "error", ...at, message: `Step "${step.id}" runs for each item of the plan input "${b.name}", which the plan does not declare.`, hint: `Declare a plan input "${b.name}" of type array.` });
    } else if (b.step === step.id) {
      this.add({ code: "self_reference", severity: "error", ...at, message: `Step "${step.id}" runs for each item of its own output.`, hint: "Run it for each item of an earlier step's output." });
    } else if (!this.stepById.has(b.step)) {
      const near = nearestNames(b.step, this.stepById.keys(), 3, 0.3).map((n): Candidate => ({ kind: "step", value: n.value, score: n.score }));
      this.add({ code: "unknown_step_ref", severity: "error", ...at, message: `Step "${step.id}" runs for each item of "${b.step}", which is not a step of this plan.`, hint: near.length ? `Did you mean "${near[0].value}"?` : "Point it at an existing step.", candidates: near.length ? near : undefined });
    } else {
      const output = this.outputOf(b.step);
      if (output) {
        schema = b.path?.length ? schemaAtPath(output, b.path)?.schema : output;
        if (schema === undefined) this.add({ code: "invalid_path", severity: "error", ...at, message: `Step "${step.id}" runs for each item of ${bindingLabel(b)}, but the output of "${b.step}" (${describeType(output)}) has no ${printPath(b.path).replace(/^\./, "")}.`, hint: fieldsOf(output).length ? `Its output has ${fieldsOf(output).join(", ")}.` : undefined });
      }
    }
    if (schema !== undefined && !isAnySchema(schema) && typeKind(schema) !== "array") {
      this.add({ code: "for_each_not_list", severity: "error", ...at, message: `Step "${step.id}" runs for each item of ${bindingLabel(b)}, which is ${describeType(schema)}, not a list.`, hint: "Point forEach.items at a list (an array)." });
      this.forEachList.set(step.id, null);
    } else if (schema !== undefined) this.forEachList.set(step.id, schema);
    if (step.approval ?? spec?.approval) this.add({ code: "invalid_for_each", severity: "error", ...at, message: `Step "${step.id}" runs for each item and ${step.approval ? "asks for approval" : `"${spec!.id}" always asks for approval`}: the items of a for-each step cannot wait for a person.`, hint: step.approval ? "Remove the approval, or approve a step before it." : "Use another action, or run the step once per item in separate steps." });
  }

  private checkReference(step: Step, name: string, binding: Binding, target: unknown) {
    if (binding.kind !== "step") return;
    if (binding.step === step.id) {
      this.add({
        code: "self_reference",
        severity: "error",
        stepId: step.id,
        input: name,
        message: `"${name}" of step "${step.id}" reads the step's own output.`,
        hint: "Connect the output of an earlier step instead.",
        candidates: target !== undefined ? this.maybeCandidates(step, target) : undefined,
      });
      return;
    }
    const source = this.stepById.get(binding.step);
    if (!source) {
      const near = nearestNames(binding.step, this.stepById.keys(), 3, 0.3).map((n): Candidate => ({ kind: "step", value: n.value, score: n.score }));
      this.add({
        code: "unknown_step_ref",
        severity: "error",
        stepId: step.id,
        input: name,
        message: `"${name}" of step "${step.id}" reads from "${binding.step}", which is not a step of this plan.`,
        hint: "Connect an existing step, or set a value.",
        candidates: target !== undefined ? mergeCandidates(this.maybeCandidates(step, target), near) : near.length ? near : undefined,
      });
      return;
    }
    if (target === undefined) return;
    const sourceOutput = this.outputOf(source.id);
    if (!sourceOutput) return;
    let schema: unknown = sourceOutput;
    if (binding.path && binding.path.length) {
      const at = schemaAtPath(sourceOutput, binding.path);
      if (!at) {
        const props = fieldsOf(sourceOutput);
        this.add({
          code: "invalid_path",
          severity: "error",
          stepId: step.id,
          input: name,
          message: `The output of "${source.id}" (${describeType(sourceOutput)}) has no ${printPath(binding.path).replace(/^\./, "")}.`,
          hint: props.length ? `Its output has ${props.join(", ")}.` : undefined,
          candidates: this.maybeCandidates(step, target),
        });
        return;
      }
      schema = at.schema;
    }
    const r = isAssignable(schema, target);
    if (!r.ok) {
      this.add({
        code: "type_mismatch",
        severity: "error",
        stepId: step.id,
        input: name,
        message: `${bindingLabel(binding)} is ${describeType(schema)}, but "${name}" of step "${step.id}" needs ${describeType(target)}: ${r.reason}.`,
        hint: "Connect an output of the right type, or pick a field of this output.",
        candidates: this.maybeCandidates(step, target),
      });
    }
  }

  private maybeCandidates(step: Step, target: unknown): Candidate[] | undefined {
    const c = this.candidatesFor(step, target);
    return c.length ? c : undefined;
  }

  /** Upstream-able steps whose output, or a top-level field of it, fits `target`; and plan inputs that fit. */
  private candidatesFor(step: Step, target: unknown, limit = 5): Candidate[] {
    const out: Candidate[] = [];
    if (isAnySchema(target)) return out;
    const below = this.downstream(step.id);
    for (const other of this.plan.steps) {
      if (other.id === step.id || below.has(other.id)) continue;
      const output = this.outputOf(other.id);
      if (!output || isAnySchema(output)) continue;
      if (isAssignable(output, target).ok) {
        out.push({ kind: "step", value: other.id, label: `\${steps.${other.id}.output}` });
      } else if (isObject(output.properties)) {
        for (const [k, s] of Object.entries(output.properties)) {
          if (!isAnySchema(s) && isAssignable(s, target).ok) {
            out.push({ kind: "step", value: other.id, label: `\${steps.${other.id}.output${printPath([k])}}` });
          }
        }
      }
      if (out.length >= limit) break;
    }
    for (const [name, schema] of this.planInputs) {
      if (out.length >= limit) break;
      if (!isAnySchema(schema) && isAssignable(schema, target).ok) out.push({ kind: "input", value: name, label: `\${inputs.${name}}` });
    }
    return out.slice(0, limit);
  }

  private downstream(id: string): Set<string> {
    // One graph for every question: candidates are only looked for when something is wrong.
    this.graph ??= buildGraph(this.plan.steps);
    let d = this.downstreamCache.get(id);
    if (!d) { d = reachable(this.graph.dependents, id); this.downstreamCache.set(id, d); }
    return d;
  }

  /** A step's condition: its references like any binding's, then the types of both sides of each comparison. */
  private checkCondition(step: Step) {
    const when = step.when!;
    const at = { stepId: step.id, when: true as const };
    const typeOf = (o: SingleBinding): OperandType | undefined => {
      switch (o.kind) {
        case "literal":
          return { schema: { const: o.value }, optional: false };
        case "input": {
          const schema = this.planInputs.get(o.name);
          if (schema === undefined) {
            this.add({ code: "missing_plan_input", severity: "error", ...at, message: `The condition of step "${step.id}" reads the plan input "${o.name}", which the plan does not declare.`, hint: `Declare a plan input "${o.name}".` });
            return undefined;
          }
          const pi = this.plan.inputs.find((i) => i.name === o.name);
          return { schema, optional: pi?.required === false && pi.default === undefined };
        }
        case "item": {
          const item = this.itemSchema(step, at);
          if (item === undefined) return undefined;
          const found = o.path?.length ? schemaAtPath(item, o.path) : { schema: item, optional: false };
          if (!found) this.add({ code: "invalid_path", severity: "error", ...at, message: `The condition of step "${step.id}" reads ${printOperand(o)}, but its items (${describeType(item)}) have no ${printPath(o.path).replace(/^\./, "")}.` });
          return found;
        }
        case "step": {
          if (o.step === step.id) {
            this.add({ code: "self_reference", severity: "error", ...at, message: `The condition of step "${step.id}" reads the step's own output.`, hint: "A condition reads the outputs of earlier steps." });
            return undefined;
          }
          if (!this.stepById.has(o.step)) {
            const near = nearestNames(o.step, this.stepById.keys(), 3, 0.3).map((n): Candidate => ({ kind: "step", value: n.value, score: n.score }));
            this.add({ code: "unknown_step_ref", severity: "error", ...at, message: `The condition of step "${step.id}" reads from "${o.step}", which is not a step of this plan.`, hint: near.length ? `Did you mean "${near[0].value}"?` : "Point it at an existing step.", candidates: near.length ? near : undefined });
            return undefined;
          }
          const output = this.outputOf(o.step);
          if (!output) return undefined;
          const found = o.path?.length ? schemaAtPath(output, o.path) : { schema: output, optional: false };
          if (!found) {
            const props = fieldsOf(output);
            this.add({ code: "invalid_path", severity: "error", ...at, message: `The condition of step "${step.id}" reads ${printOperand(o)}, but the output of "${o.step}" (${describeType(output)}) has no ${printPath(o.path).replace(/^\./, "")}.`, hint: props.length ? `Its output has ${props.join(", ")}.` : undefined });
            return undefined;
          }
          return found;
        }
      }
    };
    for (const p of conditionTypeProblems(when, typeOf)) {
      this.add({ code: "invalid_condition", severity: p.severity, ...at, message: `The condition of step "${step.id}": ${p.message}.`, hint: p.severity === "error" ? "Compare values of the same type; an enum with one of its values." : undefined });
    }
  }

  /** The plan's declared result: an object schema that the plan's outputs fit, field by field. */
  private checkResult() {
    const result = this.plan.result;
    if (!result) return;
    const schema = result.schema;
    if (schema.type !== "object") {
      this.add({ code: "invalid_result", severity: "error", message: `The plan's result schema must describe an object (the plan's outputs by name), got ${describeType(schema)}.`, hint: 'Use { "type": "object", "properties": { ... } } with one property per plan output.' });
      return;
    }
    const props = isObject(schema.properties) ? (schema.properties as Record<string, unknown>) : {};
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const r of required) {
      if (!(r in this.plan.outputs)) this.add({ code: "invalid_result", severity: "error", output: r, message: `The plan's result requires "${r}", but the plan has no output "${r}".`, hint: `Add a plan output "${r}" bound to a step output.` });
    }
    for (const [name, whole] of Object.entries(this.plan.outputs)) {
      const target = props[name];
      if (target === undefined) {
        if (schema.additionalProperties === false) this.add({ code: "invalid_result", severity: "error", output: name, message: `The plan output "${name}" is not a field of the plan's result.`, hint: `Add "${name}" to the result's properties, or remove the output.` });
        continue;
      }
      for (const b of whole.kind === "firstOf" ? whole.of : [whole]) {
        const source = this.schemaOfBinding(b);
        if (source === undefined) continue;
        const r = isAssignable(source, target);
        if (!r.ok) this.add({ code: "invalid_result", severity: "error", output: name, message: `The plan output "${name}" is ${describeType(source)}, but the result's "${name}" is ${describeType(target)}: ${r.reason}.`, hint: "Bind the output to a value of the right type, or change the result's schema." });
      }
    }
  }

  /** The schema of a single binding's value, when known. */
  private schemaOfBinding(b: SingleBinding): unknown {
    if (b.kind === "literal") return { const: b.value };
    if (b.kind === "input") return this.planInputs.get(b.name);
    if (b.kind === "item") return undefined;
    const output = this.outputOf(b.step);
    if (!output) return undefined;
    return b.path?.length ? schemaAtPath(output, b.path)?.schema : output;
  }

  private checkCycles() {
    for (const cycle of findCycles(this.plan.steps)) {
      this.add({
        code: "cycle",
        severity: "error",
        stepId: cycle[0],
        message: `Steps ${cycle.map((c) => `"${c}"`).join(" → ")} depend on each other in a cycle.`,
        hint: "Remove one of the connections so the steps can run in order.",
        candidates: cycle.map((c) => ({ kind: "step" as const, value: c })),
      });
    }
  }

  private checkOutputs() {
    for (const [name, whole] of Object.entries(this.plan.outputs)) for (const binding of whole.kind === "firstOf" ? whole.of : [whole]) {
      if (binding.kind === "step") {
        if (!this.stepById.has(binding.step)) {
          this.add({ code: "unknown_output_ref", severity: "error", output: name, message: `The plan output "${name}" reads from "${binding.step}", which is not a step of this plan.`, hint: "Point it at an existing step." });
          continue;
        }
        const output = this.outputOf(binding.step);
        if (output && binding.path?.length && !schemaAtPath(output, binding.path)) {
          this.add({ code: "invalid_path", severity: "error", output: name, message: `The plan output "${name}" reads ${printPath(binding.path).replace(/^\./, "")}, which the output of "${binding.step}" does not have.` });
        }
      } else if (binding.kind === "item") {
        this.add({ code: "item_outside_for_each", severity: "error", output: name, message: `The plan output "${name}" reads \${item}, which only a for-each step's inputs and condition can read.`, hint: "Bind the output to the for-each step's output instead." });
      } else if (binding.kind === "input" && !this.planInputs.has(binding.name)) {
        this.add({ code: "missing_plan_input", severity: "error", output: name, message: `The plan output "${name}" reads the plan input "${binding.name}", which the plan does not declare.` });
      }
    }
  }

  private checkUnusedInputs() {
    const used = new Set<string>();
    const mark = (b: Binding) => {
      if (b.kind === "input") used.add(b.name);
      else if (b.kind === "firstOf") b.of.forEach(mark);
    };
    for (const s of this.plan.steps) {
      if (s.forEach) mark(s.forEach.items);
      for (const b of Object.values(s.inputs)) mark(b);
      if (s.when) conditionOperands(s.when).forEach(mark);
    }
    for (const b of Object.values(this.plan.outputs)) mark(b);
    for (const name of this.planInputs.keys()) {
      if (!used.has(name)) this.add({ code: "unused_plan_input", severity: "warning", input: name, message: `The plan input "${name}" is not used by any step.`, hint: "Bind it to a step input or remove it." });
    }
  }
}

/** The top-level fields of an object schema, or of the items of a list schema (a field name plucks them). */
function fieldsOf(schema: JsonSchema): string[] {
  const at = schema.type === "array" && isObject(schema.items) ? schema.items : schema;
  return isObject(at.properties) ? Object.keys(at.properties) : [];
}

function mergeCandidates(a: Candidate[] | undefined, b: Candidate[]): Candidate[] | undefined {
  const all = [...(a ?? []), ...b];
  const seen = new Set<string>();
  const out = all.filter((c) => { const k = `${c.kind}:${c.value}:${c.label ?? ""}`; if (seen.has(k)) return false; seen.add(k); return true; });
  return out.length ? out : undefined;
}
