import { handle } from "@/lib/server/http";
import { parsePlanId } from "@/lib/server/plans";
import { parseVersionRef, restoreVersion } from "@/lib/server/plan-editing";

/** Saves an old version's plan as the newest version. */
export const POST = handle(async (_req: Request, { params }: { params: Promise<{ id: string; versionId: string }> }) => {
  const { id, versionId } = await params;
  return restoreVersion(parsePlanId(id), parseVersionRef(versionId));
});
