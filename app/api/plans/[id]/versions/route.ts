import { handle } from "@/lib/server/http";
import { parsePlanId } from "@/lib/server/plans";
import { versionList } from "@/lib/server/plan-editing";

export const dynamic = "force-dynamic";

export const GET = handle(async (_req: Request, { params }: { params: Promise<{ id: string }> }) => versionList(parsePlanId((await params).id)));
