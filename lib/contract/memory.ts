/** Plan memory over the API: what is remembered, and forgetting one. */
import { z } from "zod";
import { MemoryName } from "../planner/memory/remembered-plan";

export const MemoryItem = MemoryName.extend({
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
