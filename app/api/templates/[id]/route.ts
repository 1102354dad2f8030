import { handle } from "@/lib/server/http";
import { deleteTemplate, parseTemplateId, templateDetail } from "@/lib/server/templates";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = handle(async (_req: Request, { params }: Params) => templateDetail(parseTemplateId((await params).id)));

/** Deletes a saved template; built-in ones cannot be deleted (409). */
export const DELETE = handle(async (_req: Request, { params }: Params) => deleteTemplate(parseTemplateId((await params).id)));
