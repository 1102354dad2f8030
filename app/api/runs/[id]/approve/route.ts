import { handle, readBody } from "@/lib/server/http";
import { DecisionBody, approveStep } from "@/lib/server/runs";

export const POST = handle(async (req: Request, { params }: { params: Promise<{ id: string }> }) => approveStep((await params).id, await readBody(req, DecisionBody)));
