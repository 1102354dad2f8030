import { handle, json, readBody } from "@/lib/server/http";
import { RetryBody, retryRun } from "@/lib/server/runs";

export const POST = handle(async (req: Request, { params }: { params: Promise<{ id: string }> }) => json(202, await retryRun((await params).id, await readBody(req, RetryBody))));
