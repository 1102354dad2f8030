/** Plan templates: listing, saving, instantiating. */
import { z } from "zod";
import { Coverage } from "../core/coverage";
import { ValidationIssue } from "../core/issues";
import { Plan } from "../core/plan";
import { SavedTemplateParam } from "../templates/from-plan";
import { TemplateId, TemplateInfo } from "../templates/template";

export const InstantiateTemplateBody = z.object({
  /** parameter values by name; a parameter left out takes its default */
  params: z.record(z.string(), z.unknown()).default({}),
  /** false: return the plan without storing it */
  save: z.boolean().default(true),
  note: z.string().trim().max(500).optional(),
});
export type InstantiateTemplateBody = z.infer<typeof InstantiateTemplateBody>;

export const SaveTemplateBody = z
  .object({
    /** the plan to save as a template: a stored plan (its latest version, or versionId)… */
    planId: z.string().optional(),
    versionId: z.string().optional(),
    /** …or a plan given whole */
    plan: z.unknown().optional(),
    name: z.string().trim().min(1, "Give the template a name.").max(120),
    description: z.string().trim().max(2000).default(""),
    /** a slug; by default made from the name */
    id: TemplateId.optional(),
    tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
    /** the parameters; by default every plan input */
    params: z.array(SavedTemplateParam).max(50).optional(),
  })
  .refine((b) => (b.planId === undefined) !== (b.plan === undefined), { message: "Give planId or plan, not both.", path: ["planId"] });
export type SaveTemplateBody = z.infer<typeof SaveTemplateBody>;

export const InstantiatedTemplate = z.object({
  template: z.object({ id: z.string(), name: z.string() }),
  plan: Plan,
  valid: z.boolean(),
  issues: z.array(ValidationIssue),
  /** plan inputs that still need a value when the plan runs */
  openInputs: z.array(z.string()),
  /** the steps that call an LLM, each uncovered (`needs_llm`) when no provider is configured: such a plan's runs are refused */
  coverage: Coverage.optional(),
  /** set when the plan was stored */
  planId: z.string().optional(),
  versionId: z.string().optional(),
  url: z.string().optional(),
});
export type InstantiatedTemplate = z.infer<typeof InstantiatedTemplate>;

export const TemplateList = z.object({ templates: z.array(TemplateInfo) });
export type TemplateList = z.infer<typeof TemplateList>;
export const TemplateDetail = z.object({ template: TemplateInfo });
export type TemplateDetail = z.infer<typeof TemplateDetail>;
