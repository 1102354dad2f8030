/**
 * React Flow's nodes and edges, derived from the plan and the view state. Nothing here is
 * stored: the canvas calls `deriveGraph` on every change, and the cache hands back the same
 * node and edge objects for what did not change, so React Flow and memoized nodes skip them.
 */
import { stepTitles } from "@/lib/core/step-titles";
import { MarkerType, type Edge, type Node } from "@xyflow/react";
import type { Catalog } from "@/lib/core/catalog";
import type { ValidationIssue } from "@/lib/core/issues";
import { typeKind } from "@/lib/core/json-schema";
import { printBinding, printPath } from "@/lib/core/binding-text";
import { conditionOperands } from "@/lib/core/condition";
import { printCondition } from "@/lib/core/condition-text";
import type { SingleBinding } from "@/lib/core/binding";
import type { Plan } from "@/lib/core/plan";
import { schemaAtPath } from "@/lib/core/type-compat";
import {
  DONE_HANDLE, INPUTS_NODE_ID, WAIT_HANDLE, bindingEdgeId, conditionEdgeId, inHandle, mergeEdgeId, orderEdgeId, planInputHandle, sourceOfBinding,
} from "./handles";
import type { Size, XY } from "./editor-store";
import { indexIssues, outputFields, shortType, stepView, usedFieldsOf, type StepNodeData, type TypeKind } from "./step-view";

export type StepNode = Node<StepNodeData, "step">;
export type PlanInputPort = { name: string; type: string; kind: TypeKind; used: boolean };
export type InputsNodeData = { inputs: PlanInputPort[] };
export type InputsNode = Node<InputsNodeData, "planInputs">;
export type EditorNode = StepNode | InputsNode;

export type BindingEdgeData = { kind: TypeKind; label?: string; invalid: boolean };
export type BindingEdge = Edge<BindingEdgeData, "binding">;
export type OrderEdge = Edge<Record<string, never>, "order">;
/** A condition's edge: from a step the condition reads to the step it guards, labelled with the condition. */
export type ConditionEdgeData = { label: string; invalid: boolean };
export type ConditionEdge = Edge<ConditionEdgeData, "condition">;
export type EditorEdge = BindingEdge | OrderEdge | ConditionEdge;

export interface GraphInput {
  plan: Plan;
  catalog: Catalog;
  issues: readonly ValidationIssue[];
  positions: Record<string, XY>;
  measured: Record<string, Size>;
  selectedSteps: readonly string[];
  selectedEdges: readonly string[];
}

type Entry<T> = { key: readonly unknown[]; value: T };

/** Remembers the last object made for each id, reused while its inputs are the same. */
export class GraphCache {
  private readonly entries = new Map<string, Entry<unknown>>();

  memo<T>(id: string, key: readonly unknown[], make: () => T): T {
    const hit = this.entries.get(id);
    if (hit && hit.key.length === key.length && hit.key.every((k, i) => Object.is(k, key[i]))) return hit.value as T;
    const value = make();
    this.entries.set(id, { key, value });
    return value;
  }
}

const ORIGIN: XY = { x: 0, y: 0 };

/** The plan inputs node, when it first appears, goes left of everything. */
function leftOfAll(positions: Record<string, XY>): XY {
  const all = Object.values(positions);
  if (!all.length) return ORIGIN;
  return { x: Math.min(...all.map((p) => p.x)) - 300, y: Math.min(...all.map((p) => p.y)) };
}

/** A step nobody placed yet goes to the right of the first step it depends on. */
function fallbackPosition(step: Plan["steps"][number], positions: Record<string, XY>): XY {
  for (const b of Object.values(step.inputs)) {
    const p = b.kind === "step" ? positions[b.step] : undefined;
    if (p) return { x: p.x + 360, y: p.y };
  }
  return ORIGIN;
}

export function deriveGraph(g: GraphInput, cache: GraphCache): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const issuesByStep = indexIssues(g.issues);
  const used = usedFieldsOf(g.plan);
  const selected = new Set(g.selectedSteps);
  const titles = stepTitles(g.plan.steps, (a) => g.catalog.get(a)?.title);
  const selectedEdges = new Set(g.selectedEdges);
  const nodes: EditorNode[] = [];
  const edges: EditorEdge[] = [];
  const actionOf = new Map(g.plan.steps.map((s) => [s.id, s.action]));
  const stepIds = new Set(actionOf.keys());
  const inputNames = new Set(g.plan.inputs.map((i) => i.name));

  if (g.plan.inputs.length) {
    const usedInputs = new Set<string>();
    for (const s of g.plan.steps) for (const b of Object.values(s.inputs)) if (b.kind === "input") usedInputs.add(b.name);
    const signature = g.plan.inputs.map((i) => `${i.name}:${shortType(i.schema)}:${typeKind(i.schema)}:${usedInputs.has(i.name)}`).join("|");
    const data = cache.memo(`data:${INPUTS_NODE_ID}`, [signature], (): InputsNodeData => ({
      inputs: g.plan.inputs.map((i) => ({ name: i.name, type: shortType(i.schema), kind: typeKind(i.schema), used: usedInputs.has(i.name) })),
    }));
    const position = g.positions[INPUTS_NODE_ID] ?? leftOfAll(g.positions);
    const measured = g.measured[INPUTS_NODE_ID];
    // by coordinates: an unplaced node gets a fresh position object on every call
    nodes.push(cache.memo(`node:${INPUTS_NODE_ID}`, [data, position.x, position.y, measured], (): InputsNode => ({
      id: INPUTS_NODE_ID, type: "planInputs", position, data, measured, selectable: false, deletable: false,
    })));
  }

  for (const step of g.plan.steps) {
    const spec = g.catalog.get(step.action);
    const issues = issuesByStep.get(step.id);
    const usedHere = used.get(step.id);
    const issueKey = issues ? issues.list.map((i) => `${i.severity}${i.input ?? ""}${i.message}`).join("\n") : "";
    const usedKey = usedHere ? [...usedHere].sort().join(",") : "";
    const title = titles.get(step.id);
    const data = cache.memo(`data:${step.id}`, [step, spec, issueKey, usedKey, title], () => stepView(step, spec, issues, usedHere, title));
    const position = g.positions[step.id] ?? fallbackPosition(step, g.positions);
    const measured = g.measured[step.id];
    const isSelected = selected.has(step.id);
    nodes.push(cache.memo(`node:${step.id}`, [data, position.x, position.y, measured, isSelected], (): StepNode => ({
      id: step.id, type: "step", position, data, measured, selected: isSelected,
    })));

    const fields = outputFields(spec);
    for (const [input, whole] of Object.entries(step.inputs)) {
      // a merge (firstOf) draws one edge per branch, each labelled as a branch of the merge
      const branches: { binding: SingleBinding; id: string; merge?: string }[] = whole.kind === "firstOf"
        ? whole.of.map((b, i) => ({ binding: b, id: mergeEdgeId(step.id, input, i), merge: `first of ${i + 1}/${whole.of.length}` }))
        : [{ binding: whole, id: bindingEdgeId(step.id, input) }];
      for (const { binding, id, merge } of branches) {
      if (binding.kind === "literal" || binding.kind === "item") continue;
      if (binding.kind === "step" && !stepIds.has(binding.step)) continue;
      if (binding.kind === "input" && !inputNames.has(binding.name)) continue;
      const sourceSpec = binding.kind === "step" ? g.catalog.get(actionOf.get(binding.step)!) : undefined;
      const src = sourceOfBinding(binding, binding.kind === "step" ? outputFields(sourceSpec) : fields);
      if (!src) continue;
      const invalid = issues?.byInput[input] === "error";
      const isSel = selectedEdges.has(id);
      edges.push(cache.memo(`edge:${id}`, [binding, sourceSpec, invalid, isSel, g.plan.inputs, merge], (): BindingEdge => {
        let schema: unknown = {};
        if (binding.kind === "input") schema = g.plan.inputs.find((i) => i.name === binding.name)?.schema ?? {};
        else if (sourceSpec) schema = binding.path?.length ? schemaAtPath(sourceSpec.output, binding.path)?.schema ?? {} : sourceSpec.output;
        const path = src.rest.length ? printPath(src.rest) : undefined;
        return {
          id, type: "binding", source: src.node, sourceHandle: src.handle, target: step.id, targetHandle: inHandle(input), selected: isSel,
          ...(merge ? { deletable: false } : {}),
          data: { kind: typeKind(schema), label: merge ? [merge, path].filter(Boolean).join(" ") : path, invalid },
        };
      }));
      }
    }
    if (step.when) {
      const when = step.when;
      const label = printCondition(when);
      const invalid = issues?.list.some((i) => i.when && i.severity === "error") ?? false;
      const from = [...new Set(conditionOperands(when).flatMap((o) => (o.kind === "step" && stepIds.has(o.step) && o.step !== step.id ? [o.step] : [])))];
      for (const dep of from.length ? from : [undefined]) {
        // a condition over plan inputs only is drawn from the plan inputs node
        const firstInput = conditionOperands(when).find((o) => o.kind === "input" && inputNames.has(o.name));
        const source = dep ?? (firstInput ? INPUTS_NODE_ID : undefined);
        if (!source) continue;
        const id = conditionEdgeId(source, step.id);
        edges.push(cache.memo(`edge:${id}`, [label, invalid], (): ConditionEdge => ({
          id, type: "condition", source, sourceHandle: source === INPUTS_NODE_ID && firstInput?.kind === "input" ? planInputHandle(firstInput.name) : DONE_HANDLE, target: step.id, targetHandle: WAIT_HANDLE, deletable: false, selectable: false,
          data: { label: `when ${label}`, invalid },
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: invalid ? "#c0392b" : "#7c5cc4" },
        })));
      }
    }
    const list = step.forEach?.items;
    if (list && ((list.kind === "step" && stepIds.has(list.step) && list.step !== step.id) || (list.kind === "input" && inputNames.has(list.name)))) {
      // the list a for-each step runs for: dashed like a condition, labelled with it
      const source = list.kind === "step" ? list.step : INPUTS_NODE_ID;
      const label = `for each ${String(printBinding(list))}`;
      const invalid = issues?.list.some((i) => (i.code === "for_each_not_list" || i.code === "invalid_for_each") && i.severity === "error") ?? false;
      const id = `${conditionEdgeId(source, step.id)}:each`;
      edges.push(cache.memo(`edge:${id}`, [label, invalid], (): ConditionEdge => ({
        id, type: "condition", source, sourceHandle: list.kind === "input" ? planInputHandle(list.name) : DONE_HANDLE, target: step.id, targetHandle: WAIT_HANDLE, deletable: false, selectable: false,
        data: { label, invalid },
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: invalid ? "#c0392b" : "#7c5cc4" },
      })));
    }
    for (const dep of step.after ?? []) {
      if (!stepIds.has(dep) || dep === step.id) continue;
      const id = orderEdgeId(dep, step.id);
      const isSel = selectedEdges.has(id);
      edges.push(cache.memo(`edge:${id}`, [isSel], (): OrderEdge => ({
        id, type: "order", source: dep, sourceHandle: DONE_HANDLE, target: step.id, targetHandle: WAIT_HANDLE, selected: isSel, data: {},
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#8b95a3" },
      })));
    }
  }
  return { nodes, edges };
}
