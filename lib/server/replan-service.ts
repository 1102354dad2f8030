/** Re-planning for the engine: the planners of lib/planner/replan, and new versions saved as plan versions. */
import type { Catalog, LlmClient } from "../core";
import type { ReplanService } from "../engine/replan";
import { proposeReplan } from "../planner/replan";
import type { Db } from "../store/database";
import { addVersion } from "../store/plans";

export function replanService(db: Db, catalog: () => Catalog, llm: LlmClient | undefined): ReplanService {
  return {
    propose: (request) => proposeReplan(request, { catalog: catalog(), llm }),
    async saveVersion(planId, plan, note, source, issues) {
      const { version } = await addVersion(db, planId, { plan, issues, note, source });
      return { id: version.id };
    },
  };
}
