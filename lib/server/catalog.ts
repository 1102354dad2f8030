import type { ActionSpec, CatalogSource } from "../core";
import { getTrellis } from "./trellis";

export interface FlowGroup {
  flow: string;
  actions: ActionSpec[];
}

/** The catalog grouped by flow (global actions under "global"). */
export async function catalogByFlow(): Promise<FlowGroup[]> {
  const t = await getTrellis();
  const groups = new Map<string, ActionSpec[]>();
  for (const a of t.catalog.list()) {
    for (const f of a.flows.length ? a.flows : ["global"]) {
      const list = groups.get(f) ?? [];
      list.push(a);
      groups.set(f, list);
    }
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([flow, actions]) => ({ flow, actions }));
}

/** Where the catalog's actions come from (built-in, each MCP server, each tool catalog), with each one's health now. */
export async function catalogSources(): Promise<CatalogSource[]> {
  return [...(await getTrellis()).catalog.sources];
}
