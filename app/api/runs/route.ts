import { handle, readQuery } from "@/lib/server/http";
import { RunListQuery, runList } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = handle(async (req: Request) => ({ runs: await runList(readQuery(req, RunListQuery)) }));
