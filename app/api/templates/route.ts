import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { listTemplates, saveTemplate } from "@/lib/server/templates";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.listTemplates, () => listTemplates());
export const POST = route(OPERATIONS.saveTemplate, ({ body }) => saveTemplate(body));
