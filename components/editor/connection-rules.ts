/**
 * What a drag between two handles means, and whether it is allowed: data connections go
 * through lib/core's `checkConnection` (types, cycles, self references), order-only ones
 * through `addOrderDependency`. The canvas asks this while dragging and when dropping.
 */
import type { Catalog } from "@/lib/core/catalog";
import type { Plan } from "@/lib/core/plan";
import { downstreamOf, upstreamOf } from "@/lib/core/graph";
import { isObject } from "@/lib/core/json-schema";
import { addOrderDependency, canMergeInto, checkConnection, connect, mergeConnect, sourceSchema, targetSchema, type BindingSource, type Check, type EditResult } from "@/lib/core/plan-edits";
import { isAssignable } from "@/lib/core/type-compat";
import { printPath } from "@/lib/core/binding-text";
import { DONE_HANDLE, INPUTS_NODE_ID, WAIT_HANDLE, inHandle, outHandle, planInputHandle, sourceFromHandle, targetFromHandle } from "./handles";

export interface HandlePair {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

type Planned =
  | {
      ok: true;
      label: string;
      edit: (plan: Plan) => EditResult;
      /** set when the input is already bound to a reference: this connection may merge with it instead of replacing it */
      merge?: { label: string; edit: (plan: Plan) => EditResult };
    }
  | { ok: false; reason: string };

export function planConnection(plan: Plan, catalog: Catalog, c: HandlePair): Planned {
  const order = [c.sourceHandle, c.targetHandle].filter((h) => h === DONE_HANDLE || h === WAIT_HANDLE).length;
  if (order === 2 || (c.sourceHandle === DONE_HANDLE && c.targetHandle === WAIT_HANDLE)) {
    const check = addOrderDependency(plan, c.source, c.target);
    if (!check.ok) return check;
    return { ok: true, label: `${c.target} waits for ${c.source}`, edit: (p) => addOrderDependency(p, c.source, c.target) };
  }
  if (order === 1) return { ok: false, reason: "The small square handles make a step wait for another: connect one step's right square to another's left square." };
  const source = sourceFromHandle(c.source, c.sourceHandle);
  const target = targetFromHandle(c.target, c.targetHandle);
  if (!source || !target) return { ok: false, reason: "Connect an output (on the right of a step) to an input (on the left of another)." };
  const check = checkConnection(plan, catalog, source, target);
  if (!check.ok) return check;
  const from = source.kind === "input" ? `input ${source.name}` : `${source.step}${printPath(source.path)}`;
  const merge = canMergeInto(plan, source, target) ? { label: `Merge ${from} into ${target.step}.${target.input}`, edit: (p: Plan) => mergeConnect(p, catalog, source, target) } : undefined;
  return { ok: true, label: `Connect ${from} → ${target.step}.${target.input}`, edit: (p) => connect(p, catalog, source, target), ...(merge ? { merge } : {}) };
}

export function checkCanvasConnection(plan: Plan, catalog: Catalog, c: HandlePair): Check {
  const r = planConnection(plan, catalog, c);
  return r.ok ? { ok: true } : r;
}

/** The side a connection is dragged from, and per node id the handle ids at the other end that would accept it. */
export interface ConnectHints {
  from: "source" | "target";
  handles: Record<string, readonly string[]>;
}

/**
 * While a connection is dragged from a handle: every handle at the other end that would pass
 * the same check as dropping on it (type, cycle, self reference). Computed once per drag.
 */
export function connectHints(plan: Plan, catalog: Catalog, from: { nodeId: string; handleId: string | null; type: "source" | "target" }): ConnectHints {
  const handles: Record<string, string[]> = {};
  const hints: ConnectHints = { from: from.type, handles };
  const add = (node: string, handle: string) => (handles[node] ??= []).push(handle);
  if (from.handleId === DONE_HANDLE || from.handleId === WAIT_HANDLE) return hints;
  if (from.type === "source") {
    const source = sourceFromHandle(from.nodeId, from.handleId);
    if (!source) return hints;
    const s = sourceSchema(plan, catalog, source);
    if ("error" in s) return hints;
    const above = source.kind === "step" ? upstreamOf(plan.steps, source.step) : new Set<string>();
    for (const step of plan.steps) {
      if (source.kind === "step" && (step.id === source.step || above.has(step.id))) continue;
      const spec = catalog.get(step.action);
      const props = spec && isObject(spec.input.properties) ? Object.keys(spec.input.properties) : Object.keys(step.inputs);
      for (const input of props) {
        const t = targetSchema(plan, catalog, { step: step.id, input });
        if (!("error" in t) && isAssignable(s.schema, t.schema).ok) add(step.id, inHandle(input));
      }
    }
    return hints;
  }
  const target = targetFromHandle(from.nodeId, from.handleId);
  if (!target) return hints;
  const t = targetSchema(plan, catalog, target);
  if ("error" in t) return hints;
  const below = downstreamOf(plan.steps, target.step);
  const fits = (src: BindingSource) => {
    const s = sourceSchema(plan, catalog, src);
    return !("error" in s) && isAssignable(s.schema, t.schema).ok;
  };
  for (const step of plan.steps) {
    if (step.id === target.step || below.has(step.id)) continue;
    if (fits({ kind: "step", step: step.id })) add(step.id, outHandle());
    const spec = catalog.get(step.action);
    for (const f of spec && isObject(spec.output.properties) ? Object.keys(spec.output.properties) : []) {
      if (fits({ kind: "step", step: step.id, path: [f] })) add(step.id, outHandle(f));
    }
  }
  for (const pi of plan.inputs) if (fits({ kind: "input", name: pi.name })) add(INPUTS_NODE_ID, planInputHandle(pi.name));
  return hints;
}
