/** GET /api/flows/:id: the flow's actions with their input and output JSON Schemas, for planning. */
import { flowDetail } from "@/lib/server/planning";
import { handle } from "../../_lib/respond";

export const dynamic = "force-dynamic";

export const GET = handle(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  return flowDetail(decodeURIComponent(id));
});
