import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { runPageData } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getRunView, ({ params }) => runPageData(params.id));
