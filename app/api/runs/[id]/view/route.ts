import { handle } from "@/lib/server/http";
import { runPageData } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

/** The run's state as the run page shows it (rebuilt from its event log). */
export const GET = handle(async (_req: Request, { params }: { params: Promise<{ id: string }> }) => runPageData((await params).id));
