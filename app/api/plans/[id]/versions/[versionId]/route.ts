import { handle } from "@/lib/server/http";
import { parsePlanId } from "@/lib/server/plans";
import { parseVersionRef, versionDetail } from "@/lib/server/plan-editing";

export const dynamic = "force-dynamic";

/** One version with its plan, by id or number. */
export const GET = handle(async (_req: Request, { params }: { params: Promise<{ id: string; versionId: string }> }) => {
  const { id, versionId } = await params;
  return versionDetail(parsePlanId(id), parseVersionRef(versionId));
});
