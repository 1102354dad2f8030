import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { runList } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.listRuns, ({ query }) => runList(query));
