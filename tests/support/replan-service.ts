/** The re-planning the server composes (lib/server/replan-service.ts), for a harness's registry: offline, or with an LLM. */
import type { ActionLookup, LlmClient } from "../../lib/core";
import type { ReplanService } from "../../lib/engine/replan";
import { replanService } from "../../lib/server/replan-service";
import type { Database } from "../../lib/store/database";

export function harnessReplan(db: Database, registry: () => ActionLookup, llm?: LlmClient): ReplanService {
  return replanService(db.prisma, () => registry().catalog, llm);
}
