import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { artifactPage } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getArtifactPage, ({ params, query }) => artifactPage(params.id, params.sha256, query));
