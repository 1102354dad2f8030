import { handle } from "@/lib/server/http";
import { runDetail } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = handle(async (_req: Request, { params }: { params: Promise<{ id: string }> }) => runDetail((await params).id));
