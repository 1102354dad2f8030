import { z } from "zod";
import { handle, json, readBody } from "@/lib/server/http";
import { importPlan } from "@/lib/server/plans";

const ImportBody = z.object({ plan: z.unknown(), note: z.string().max(2000).optional() });

/** Creates a plan from its JSON. Not a plan: 400 and nothing written; a plan with errors: saved as a draft, with its issues. */
export const POST = handle(async (req: Request) => {
  const body = await readBody(req, ImportBody);
  return json(201, await importPlan(body.plan, { note: body.note }));
});
