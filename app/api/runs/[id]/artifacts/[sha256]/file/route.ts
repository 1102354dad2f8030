import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { artifactDownload } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.downloadArtifact, ({ params }) => artifactDownload(params.id, params.sha256));
