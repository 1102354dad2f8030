import { OPERATIONS } from "@/lib/contract/operations";
import { badRequest } from "@/lib/core/errors";
import { flowDetail } from "@/lib/server/planning";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getFlow, async ({ params }) => {
  let id: string;
  try {
    id = decodeURIComponent(params.id);
  } catch {
    throw badRequest(`"${params.id}" is not a flow id.`);
  }
  return flowDetail(id);
});
