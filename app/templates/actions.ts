"use server";
/** Server actions of the templates page: parse, call one lib function, return what the form shows. */
import { z } from "zod";
import { RequestError } from "@/lib/server/errors";
import { InstantiateTemplateBody, SaveTemplateBody, deleteTemplate, instantiate, parseTemplateId, saveTemplate } from "@/lib/server/templates";

export type TemplateActionResult<T> = { ok: true; value: T } | { ok: false; error: string; problems?: { param: string; message: string }[] };

const Problems = z.object({ problems: z.array(z.object({ param: z.string(), message: z.string() })) });

async function attempt<T>(fn: () => Promise<T>): Promise<TemplateActionResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof RequestError) {
      const details = Problems.safeParse(err.details);
      return { ok: false, error: err.message, ...(details.success ? { problems: details.data.problems } : {}) };
    }
    if (err instanceof z.ZodError) return { ok: false, error: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
    console.error("[trellis] template action failed", err);
    return { ok: false, error: "Trellis hit an unexpected error; the server log has the details." };
  }
}

/** Makes and stores a plan from the template; the form then opens it. */
export async function instantiateTemplateAction(id: string, params: unknown) {
  return attempt(async () => {
    const made = await instantiate(parseTemplateId(z.string().parse(id)), InstantiateTemplateBody.parse({ params }));
    return { planId: made.planId!, valid: made.valid };
  });
}

export async function deleteTemplateAction(id: string) {
  return attempt(() => deleteTemplate(parseTemplateId(z.string().parse(id))));
}

/** Saves a stored plan (a version of it) as a template. */
export async function saveTemplateAction(body: unknown) {
  return attempt(async () => (await saveTemplate(SaveTemplateBody.parse(body))).template.id);
}
