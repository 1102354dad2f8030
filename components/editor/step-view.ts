/**
 * What a step node shows, as plain serializable data: its ports with their types, how each
 * input is fed, and its issues. Also the node's size, computed from the same rows the node
 * draws, so auto-layout can place nodes before they are rendered.
 */
import type { ActionSpec, Effect } from "@/lib/core/action";
import { bindingLabel } from "@/lib/core/binding-text";
import type { Binding } from "@/lib/core/plan";
import type { Severity, ValidationIssue } from "@/lib/core/issues";
import { describeType, isObject, typeKind } from "@/lib/core/json-schema";
import type { Plan, Step } from "@/lib/core/plan";
import { outHandle } from "./handles";

export type TypeKind = ReturnType<typeof typeKind>;

export type InputPort = {
  name: string;
  /** a short type for the node; `fullType` for its tooltip */
  type: string;
  fullType: string;
  kind: TypeKind;
  required: boolean;
  bound?: Binding["kind"];
  /** the literal value or reference, short */
  value?: string;
  issue?: Severity;
  /** hidden in the compact node: optional, unbound, and the action has many inputs */
  collapsible: boolean;
};

export type OutputPort = {
  /** "output" for the whole output, else the field name */
  name: string;
  handle: string;
  type: string;
  fullType: string;
  kind: TypeKind;
  collapsible: boolean;
};

export type StepNodeData = {
  stepId: string;
  title: string;
  action: string;
  effect: Effect | "unknown";
  approval: boolean;
  onError?: "fail" | "continue";
  retries?: number;
  /** it runs once per item of a list */
  forEach?: boolean;
  inputs: InputPort[];
  outputs: OutputPort[];
  errors: number;
  warnings: number;
  /** the first error, for the badge's tooltip */
  firstError?: string;
};

export const NODE_WIDTH = 288;
export const HEADER_HEIGHT = 64;
export const ROW_HEIGHT = 24;
export const BODY_PADDING = 6;
/** actions with more inputs than this show only required and bound ones until expanded */
const COMPACT_INPUTS = 5;
const COMPACT_OUTPUTS = 5;

export interface StepIssues {
  errors: number;
  warnings: number;
  byInput: Record<string, Severity>;
  list: ValidationIssue[];
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function indexIssues(issues: readonly ValidationIssue[]): Map<string, StepIssues> {
  const out = new Map<string, StepIssues>();
  for (const issue of issues) {
    if (!issue.stepId) continue;
    let s = out.get(issue.stepId);
    if (!s) out.set(issue.stepId, (s = { errors: 0, warnings: 0, byInput: {}, list: [] }));
    s.list.push(issue);
    if (issue.severity === "error") s.errors++;
    else if (issue.severity === "warning") s.warnings++;
    if (issue.input && (!s.byInput[issue.input] || RANK[issue.severity] > RANK[s.byInput[issue.input]])) s.byInput[issue.input] = issue.severity;
  }
  return out;
}

/** Output fields of each step that some binding reads, by step id. */
export function usedFieldsOf(plan: Plan): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const mark = (step: string, field: unknown) => {
    if (typeof field !== "string") return;
    let s = out.get(step);
    if (!s) out.set(step, (s = new Set()));
    s.add(field);
  };
  for (const s of plan.steps) for (const b of Object.values(s.inputs)) if (b.kind === "step") mark(b.step, b.path?.[0]);
  for (const b of Object.values(plan.outputs)) if (b.kind === "step") mark(b.step, b.path?.[0]);
  return out;
}

export function outputFields(spec: ActionSpec | undefined): string[] {
  return spec && isObject(spec.output.properties) ? Object.keys(spec.output.properties) : [];
}

/** A type name that fits a node row: objects by their shape ("table"), arrays by their items. */
export function shortType(schema: unknown): string {
  if (!isObject(schema) || Array.isArray(schema.enum) || "const" in schema || schema.anyOf || schema.oneOf) return short(describeType(schema), 18);
  if (schema.type === "object") {
    const props = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    return props.includes("columns") && props.includes("rows") ? "table" : "object";
  }
  if (schema.type === "array") return `${shortType(schema.items ?? {})}[]`;
  return short(describeType(schema), 18);
}

function short(text: string, max = 28): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function stepView(step: Step, spec: ActionSpec | undefined, issues: StepIssues | undefined, used: ReadonlySet<string> | undefined, title?: string): StepNodeData {
  const props = spec && isObject(spec.input.properties) ? (spec.input.properties as Record<string, unknown>) : {};
  const required = new Set(spec && Array.isArray(spec.input.required) ? (spec.input.required as string[]) : []);
  const names = [...Object.keys(props), ...Object.keys(step.inputs).filter((n) => !(n in props))];
  const compact = names.length > COMPACT_INPUTS;
  const inputs = names.map((name): InputPort => {
    const schema = props[name] ?? {};
    const b = step.inputs[name];
    const issue = issues?.byInput[name];
    return {
      name,
      type: shortType(schema),
      fullType: describeType(schema),
      kind: typeKind(schema),
      required: required.has(name),
      bound: b?.kind,
      value: b ? short(bindingLabel(b), 40) : undefined,
      issue,
      collapsible: compact && !required.has(name) && !b && !issue,
    };
  });
  const fields = outputFields(spec);
  // a for-each step gives a list: of its action's outputs, and of each field
  const each = (schema: unknown): unknown => (step.forEach ? { type: "array", items: schema } : schema);
  const whole = spec ? each(spec.output) : undefined;
  const outputs: OutputPort[] = [
    { name: "output", handle: outHandle(), type: whole ? shortType(whole) : "any", fullType: whole ? describeType(whole) : "any", kind: whole ? typeKind(whole) : "any", collapsible: false },
    ...fields.map((f, i): OutputPort => {
      const schema = each((spec!.output.properties as Record<string, unknown>)[f]);
      return { name: f, handle: outHandle(f), type: shortType(schema), fullType: describeType(schema), kind: typeKind(schema), collapsible: fields.length > COMPACT_OUTPUTS && i >= COMPACT_OUTPUTS - 1 && !used?.has(f) };
    }),
  ];
  const firstError = issues?.list.find((i) => i.severity === "error")?.message;
  return {
    stepId: step.id,
    title: title ?? (step.label || spec?.title || step.action),
    action: step.action,
    effect: spec?.effect ?? "unknown",
    approval: Boolean(step.approval ?? spec?.approval),
    onError: step.onError,
    ...(step.forEach ? { forEach: true } : {}),
    retries: step.retry ? step.retry.maxAttempts : undefined,
    inputs,
    outputs,
    errors: issues?.errors ?? 0,
    warnings: issues?.warnings ?? 0,
    firstError,
  };
}

export interface VisiblePorts {
  inputs: InputPort[];
  outputs: OutputPort[];
  /** ports hidden in the compact node (0 when expanded) */
  hidden: number;
  /** whether the node has a show more / show fewer row */
  toggle: boolean;
}

/** The ports a node shows: all when expanded, else the compact set. */
export function visiblePorts(data: StepNodeData, expanded: boolean): VisiblePorts {
  const collapsible = data.inputs.filter((p) => p.collapsible).length + data.outputs.filter((p) => p.collapsible).length;
  if (expanded || collapsible === 0) return { inputs: data.inputs, outputs: data.outputs, hidden: 0, toggle: collapsible > 0 };
  return { inputs: data.inputs.filter((p) => !p.collapsible), outputs: data.outputs.filter((p) => !p.collapsible), hidden: collapsible, toggle: true };
}

export function nodeHeight(ports: VisiblePorts): number {
  const rows = Math.max(1, ports.inputs.length, ports.outputs.length) + (ports.toggle ? 1 : 0);
  return HEADER_HEIGHT + BODY_PADDING * 2 + rows * ROW_HEIGHT;
}

/** The size of a plan inputs node with `count` inputs. */
export function inputsNodeHeight(count: number): number {
  return 40 + BODY_PADDING * 2 + Math.max(1, count) * ROW_HEIGHT;
}
export const INPUTS_NODE_WIDTH = 220;
