import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { deleteTemplate, parseTemplateId, templateDetail } from "@/lib/server/templates";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getTemplate, ({ params }) => templateDetail(parseTemplateId(params.id)));
export const DELETE = route(OPERATIONS.deleteTemplate, ({ params }) => deleteTemplate(parseTemplateId(params.id)));
