import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { runDetail } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getRun, ({ params }) => runDetail(params.id));
