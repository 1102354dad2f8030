/**
 * A plan template: a plan with typed parameters. One schema per concept, shared by the
 * registry, the database rows (parsed when read), the REST API, the OpenAPI document and
 * the CLI.
 *
 * The template's `plan` declares every parameter as a plan input, so it is itself a plan.
 * Instantiating it either keeps a parameter as a plan input (`bind: "input"`, the value
 * becomes the input's default) or writes the value into the plan (`bind: "literal"`: every
 * `${inputs.NAME}` binding becomes the literal, and `{{NAME}}` inside literal strings is
 * filled in). `{{NAME}}` in the goal and step labels is filled in for every parameter.
 */
import { z } from "zod";
import { JsonSchema, Plan, PlanInputName } from "../core";

export const TEMPLATE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const TemplateId = z.string().regex(TEMPLATE_ID_PATTERN, "a template id is lower-case letters, digits and -, at most 64 characters");

export const ParamBinding = z.enum(["input", "literal"]);
export type ParamBinding = z.infer<typeof ParamBinding>;

export const TemplateParam = z.object({
  name: PlanInputName,
  /** JSON Schema of the value */
  schema: JsonSchema,
  title: z.string().max(120).optional(),
  description: z.string().max(1000).optional(),
  default: z.unknown().optional(),
  /** false: may be left out even without a default (only for `bind: "input"`) */
  required: z.boolean().optional(),
  /** input (default): stays a plan input; literal: the value is written into the plan */
  bind: ParamBinding.optional(),
});
export type TemplateParam = z.infer<typeof TemplateParam>;

export const TemplateSource = z.enum(["builtin", "saved"]);
export type TemplateSource = z.infer<typeof TemplateSource>;

export const Template = z.object({
  id: TemplateId,
  name: z.string().min(1).max(120),
  description: z.string().max(2000),
  source: TemplateSource,
  tags: z.array(z.string()),
  params: z.array(TemplateParam),
  plan: Plan,
  /** the plan a saved template was made from */
  basedOnPlanId: z.string().nullable().optional(),
  createdAt: z.string().nullable().optional(),
});
export type Template = z.infer<typeof Template>;

/** What a list shows: the template plus what it needs from the catalog. */
export const TemplateInfo = Template.extend({
  /** action ids in step order, without repeats */
  actions: z.array(z.string()),
  /** some step calls an LLM provider */
  usesLlm: z.boolean(),
  /** some step waits for a person's approval */
  needsApproval: z.boolean(),
  /** some step writes (files, HTTP) */
  writes: z.boolean(),
});
export type TemplateInfo = z.infer<typeof TemplateInfo>;

export function paramBinding(p: TemplateParam): ParamBinding {
  return p.bind ?? "input";
}

/**
 * A literal parameter must have a value when the template is instantiated; an input parameter
 * without one stays an open plan input, asked for when the plan runs.
 */
export function paramMustBeGiven(p: TemplateParam): boolean {
  return p.default === undefined && paramBinding(p) === "literal";
}
