import { handle, readQuery } from "@/lib/server/http";
import { parsePlanId } from "@/lib/server/plans";
import { DiffQuery, versionDiff } from "@/lib/server/plan-editing";

export const dynamic = "force-dynamic";

/** What changed between two versions: `?from=&to=` (ids or numbers; default: the latest and the one before). */
export const GET = handle(async (req: Request, { params }: { params: Promise<{ id: string }> }) => versionDiff(parsePlanId((await params).id), readQuery(req, DiffQuery)));
