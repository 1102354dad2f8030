/**
 * Auto-layout of a plan's steps with ELK (layered, left to right). Shared by the editor
 * and the run view so a plan looks the same in both.
 */
import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import { dependenciesOf, type Step } from "@/lib/core/plan";

const elk = new ELK();

export interface NodeBox {
  id: string;
  width: number;
  height: number;
}

export interface LayoutResult {
  positions: Record<string, { x: number; y: number }>;
  width: number;
  height: number;
}

export async function layoutSteps(steps: readonly Step[], sizeOf: (step: Step) => { width: number; height: number }, options: { direction?: "RIGHT" | "DOWN" } = {}): Promise<LayoutResult> {
  const ids = new Set(steps.map((s) => s.id));
  const edges: { id: string; sources: string[]; targets: string[] }[] = [];
  for (const s of steps) {
    for (const d of dependenciesOf(s)) {
      if (ids.has(d) && d !== s.id) edges.push({ id: `${d}->${s.id}`, sources: [d], targets: [s.id] });
    }
  }
  const input: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": options.direction ?? "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "80",
      "elk.spacing.nodeNode": "36",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
    },
    children: steps.map((s) => ({ id: s.id, ...sizeOf(s) })),
    edges,
  };
  const graph = await elk.layout(input);
  const positions: LayoutResult["positions"] = {};
  for (const c of graph.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
  return { positions, width: graph.width ?? 0, height: graph.height ?? 0 };
}
