import { handle, json, readBody } from "@/lib/server/http";
import { SaveTemplateBody, listTemplates, saveTemplate } from "@/lib/server/templates";

export const dynamic = "force-dynamic";

/** Built-in and saved templates, with their typed parameters. */
export const GET = handle(async () => listTemplates());

/** Saves a plan as a template: `{ planId | plan, name, description?, params? }`. */
export const POST = handle(async (req: Request) => json(201, await saveTemplate(await readBody(req, SaveTemplateBody))));
