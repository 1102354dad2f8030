import { handle } from "@/lib/server/http";
import { cancelRun } from "@/lib/server/runs";

export const POST = handle(async (_req: Request, { params }: { params: Promise<{ id: string }> }) => cancelRun((await params).id));
