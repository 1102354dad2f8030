/**
 * Auto-layout of the editor's canvas: ELK through the shared `layoutSteps`, with the plan
 * inputs node placed as a step that every input-reading step depends on. Plain TypeScript:
 * the page runs it on the server for the first paint, the canvas runs it on demand.
 */
import { layoutSteps } from "@/components/graph/elk-layout";
import type { ActionSpec } from "@/lib/core/action";
import { Catalog, type CatalogView } from "@/lib/core/catalog";
import type { Plan, Step } from "@/lib/core/plan";
import { INPUTS_NODE_ID } from "./handles";
import { INPUTS_NODE_WIDTH, NODE_WIDTH, inputsNodeHeight, nodeHeight, stepView, usedFieldsOf, visiblePorts } from "./step-view";
import type { XY } from "./editor-store";

export async function layoutPlan(plan: Plan, catalog: CatalogView, expanded: Record<string, true> = {}): Promise<Record<string, XY>> {
  const withInputs = plan.inputs.length > 0;
  const steps: Step[] = plan.steps.map((s) => {
    if (!withInputs || !Object.values(s.inputs).some((b) => b.kind === "input")) return s;
    // Reading a plan input counts as depending on the inputs node, so it lands in the first column.
    return { ...s, after: [...(s.after ?? []), INPUTS_NODE_ID] };
  });
  if (withInputs) steps.unshift({ id: INPUTS_NODE_ID, action: "", inputs: {} });
  const used = usedFieldsOf(plan);
  const heights = new Map<string, number>();
  for (const s of plan.steps) heights.set(s.id, nodeHeight(visiblePorts(stepView(s, catalog.get(s.action), undefined, used.get(s.id)), Boolean(expanded[s.id]))));
  const { positions } = await layoutSteps(steps, (s) =>
    s.id === INPUTS_NODE_ID ? { width: INPUTS_NODE_WIDTH, height: inputsNodeHeight(plan.inputs.length) } : { width: NODE_WIDTH, height: heights.get(s.id) ?? 120 },
  );
  return positions;
}

const cache = new Map<string, Record<string, XY>>();
const CACHE_SIZE = 100;

/**
 * The first layout, made on the server so the canvas paints placed; undefined when it cannot
 * be made. A version never changes, so its layout is kept by its content hash (the catalog is
 * fixed for the life of the process).
 */
export async function initialLayout(plan: Plan, specs: readonly ActionSpec[], versionHash?: string): Promise<Record<string, XY> | undefined> {
  const hit = versionHash ? cache.get(versionHash) : undefined;
  if (hit) return hit;
  try {
    const positions = await layoutPlan(plan, new Catalog(specs));
    if (versionHash) {
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(versionHash, positions);
    }
    return positions;
  } catch (err) {
    console.error("[trellis] server-side layout failed; the browser lays the plan out", err);
    return undefined;
  }
}
