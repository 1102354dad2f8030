import { handle, readBody } from "@/lib/server/http";
import { parsePlanId } from "@/lib/server/plans";
import { SavePlanBody, deletePlanById, planDetail, saveEditedPlan } from "@/lib/server/plan-editing";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** The plan with its latest version and that version's issues against today's catalog. */
export const GET = handle(async (_req: Request, { params }: Params) => planDetail(parsePlanId((await params).id)));

/** Saves a new version: `{ plan, note?, baseVersionId? }`. */
export const PUT = handle(async (req: Request, { params }: Params) => {
  const id = parsePlanId((await params).id);
  return saveEditedPlan(id, await readBody(req, SavePlanBody));
});

/** Deletes the plan and its versions; 409 while it has runs. */
export const DELETE = handle(async (_req: Request, { params }: Params) => deletePlanById(parsePlanId((await params).id)));
