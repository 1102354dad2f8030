/**
 * Names of handles and edges on the canvas, and how they map to bindings. One place, so the
 * nodes that draw handles and the canvas that reads connections agree.
 *   in:<input>     a step input (target)
 *   out            a step's whole output (source)
 *   out:<field>    a top-level field of a step's output (source)
 *   pi:<name>      a plan input, on the plan inputs node (source)
 *   wait / done    order-only dependencies (target / source)
 */
import type { Binding, PathSegment } from "@/lib/core/plan";
import type { BindingSource, BindingTarget } from "@/lib/core/plan-edits";

export const INPUTS_NODE_ID = "__plan_inputs";
export const WAIT_HANDLE = "wait";
export const DONE_HANDLE = "done";

export const inHandle = (input: string) => `in:${input}`;
export const outHandle = (field?: string) => (field === undefined ? "out" : `out:${field}`);
export const planInputHandle = (name: string) => `pi:${name}`;

export const bindingEdgeId = (step: string, input: string) => `b:${step}:${input}`;
export const orderEdgeId = (from: string, to: string) => `o:${from}:${to}`;
/** a branch of a merged (firstOf) input, and a condition's edge: drawn, not edited on the canvas */
export const mergeEdgeId = (step: string, input: string, branch: number) => `m:${step}:${input}:${branch}`;
export const conditionEdgeId = (from: string, to: string) => `c:${from}:${to}`;

export type ParsedEdge = { kind: "binding"; step: string; input: string } | { kind: "order"; from: string; to: string };

/** Step ids hold no ":", so the first fields split cleanly; an input name may hold anything. */
export function parseEdgeId(id: string): ParsedEdge | null {
  const [kind, a, ...rest] = id.split(":");
  if (!a || !rest.length) return null;
  if (kind === "b") return { kind: "binding", step: a, input: rest.join(":") };
  if (kind === "o") return { kind: "order", from: a, to: rest.join(":") };
  return null;
}

/** The source a handle stands for, or null when it is not a data source. */
export function sourceFromHandle(nodeId: string, handleId: string | null | undefined): BindingSource | null {
  if (!handleId) return null;
  if (nodeId === INPUTS_NODE_ID) return handleId.startsWith("pi:") ? { kind: "input", name: handleId.slice(3) } : null;
  if (handleId === "out") return { kind: "step", step: nodeId };
  if (handleId.startsWith("out:")) return { kind: "step", step: nodeId, path: [handleId.slice(4)] };
  return null;
}

export function targetFromHandle(nodeId: string, handleId: string | null | undefined): BindingTarget | null {
  if (!handleId?.startsWith("in:") || nodeId === INPUTS_NODE_ID) return null;
  return { step: nodeId, input: handleId.slice(3) };
}

/**
 * Where a binding's edge starts: the field handle when the path starts with a field the
 * output has, else the whole output; the rest of the path becomes the edge's label.
 */
export function sourceOfBinding(binding: Binding, outputFields: readonly string[]): { node: string; handle: string; rest: PathSegment[] } | null {
  if (binding.kind === "input") return { node: INPUTS_NODE_ID, handle: planInputHandle(binding.name), rest: [] };
  if (binding.kind !== "step") return null;
  const path = binding.path ?? [];
  const head = path[0];
  if (typeof head === "string" && outputFields.includes(head)) return { node: binding.step, handle: outHandle(head), rest: path.slice(1) };
  return { node: binding.step, handle: outHandle(), rest: path };
}
