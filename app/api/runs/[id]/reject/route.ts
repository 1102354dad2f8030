import { handle, readBody } from "@/lib/server/http";
import { DecisionBody, rejectStep } from "@/lib/server/runs";

export const POST = handle(async (req: Request, { params }: { params: Promise<{ id: string }> }) => rejectStep((await params).id, await readBody(req, DecisionBody)));
