import { handle, json, readBody } from "@/lib/server/http";
import { StartRunBody, startRun } from "@/lib/server/runs";

export const POST = handle(async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  return json(202, await startRun(id, await readBody(req, StartRunBody)));
});
