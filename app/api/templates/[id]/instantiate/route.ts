import { handle, json, readBody } from "@/lib/server/http";
import { InstantiateTemplateBody, instantiate, parseTemplateId } from "@/lib/server/templates";

/** Makes a plan from the template: `{ params, save? }`; 201 with the stored plan's id, or 200 with the plan alone when `save` is false. */
export const POST = handle(async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseTemplateId((await params).id);
  const body = await readBody(req, InstantiateTemplateBody);
  const out = await instantiate(id, body);
  return json(out.planId ? 201 : 200, out, out.planId ? { location: `/api/plans/${out.planId}` } : {});
});
