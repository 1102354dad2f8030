/** Plan memory over the API: what is remembered, and forgetting one. */
import { z } from "zod";
import { MemoryId, MemoryOrigin } from "../planner/memory/remembered-plan";

export const MemoryItem = z.object({
  id: MemoryId,
  goal: z.string(),
  origin: MemoryOrigin,
  planId: z.string().optional(),
  versionId: z.string().optional(),
  /** the plan's actions in step order */
  actions: z.array(z.string()),
});
export type MemoryItem = z.infer<typeof MemoryItem>;

export const MemoryList = z.object({
  items: z.array(MemoryItem),
  /** how many remembered plans were forgotten */
  forgotten: z.number().int().min(0),
});
export type MemoryList = z.infer<typeof MemoryList>;
