import { OPERATIONS } from "@/lib/contract/operations";
import { reply, route } from "@/lib/server/route";
import { instantiate, parseTemplateId } from "@/lib/server/templates";

export const POST = route(OPERATIONS.instantiateTemplate, async ({ params, body }) => {
  const out = await instantiate(parseTemplateId(params.id), body);
  return out.planId ? reply(201, out, { location: `/api/plans/${out.planId}` }) : reply(200, out);
});
