/**
 * Re-planning a run whose step failed for good (the engine's side: lib/engine/replan.ts). With
 * an LLM configured, the LLM proposes; when it gives nothing usable, the offline re-planner
 * tries. Without one, the offline re-planner does it alone.
 */
import type { LlmClient } from "../../core/action";
import type { Catalog } from "../../core/catalog";
import { validateReplan, type ReplanProposal, type ReplanRequest } from "../../core/replan";
import { replanWithLlm } from "./llm";
import { replanOffline } from "./offline";

export { replanOffline } from "./offline";
export { replanWithLlm, replanInstruction } from "./llm";

export async function proposeReplan(request: ReplanRequest, options: { catalog: Catalog; llm?: LlmClient }): Promise<ReplanProposal> {
  if (!options.llm) return replanOffline(request, options.catalog);
  let fromLlm: ReplanProposal;
  try {
    fromLlm = await replanWithLlm(request, { llm: options.llm, catalog: options.catalog });
  } catch (err) {
    fromLlm = { source: "llm", reason: `the LLM could not be asked: ${(err as Error).message}` };
  }
  if (fromLlm.plan && validateReplan(request.plan, fromLlm.plan, request.finished, options.catalog, { maxSteps: request.maxSteps }).valid) return fromLlm;
  const offline = replanOffline(request, options.catalog);
  return offline.plan ? { ...offline, reason: `${offline.reason} (${fromLlm.reason}, not a valid re-plan)` } : fromLlm;
}
