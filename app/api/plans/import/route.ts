import { handle, json, readBody } from "@/lib/server/http";
import { ImportPlanBody, importPlan } from "@/lib/server/plans";

/** Creates a plan from its JSON. Not a plan: 400 and nothing written; a plan with errors: saved as a draft, with its issues. */
export const POST = handle(async (req: Request) => {
  const body = await readBody(req, ImportPlanBody, { allowEmpty: false });
  return json(201, await importPlan(body.plan, { note: body.note }));
});
