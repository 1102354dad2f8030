/** The catalog by flow, and the planner in use. */
import { z } from "zod";
import { ActionSpec } from "../core/action";
import { CatalogSource } from "../core/catalog";

export const FlowSummary = z.object({ id: z.string(), actions: z.number().int(), titles: z.array(z.string()) });
export type FlowSummary = z.infer<typeof FlowSummary>;

export const FlowList = z.object({
  flows: z.array(FlowSummary),
  globalActions: z.number().int(),
  planner: z.object({ llm: z.boolean(), model: z.string().optional() }),
  /** where the actions come from (built-in, each MCP server, each tool catalog), with each one's health */
  sources: z.array(CatalogSource),
});
export type FlowList = z.infer<typeof FlowList>;

export const FlowDetail = z.object({ id: z.string(), actions: z.array(ActionSpec) });
export type FlowDetail = z.infer<typeof FlowDetail>;
