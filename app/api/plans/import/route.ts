/** Creates a plan from a plan file. Not a plan: 400 and nothing written; a plan with errors: saved as a draft, with its issues. */
import { OPERATIONS } from "@/lib/contract/operations";
import { importPlan } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const POST = route(OPERATIONS.importPlan, ({ body }) => importPlan(body.plan, { note: body.note ?? undefined }));
