/** Plans, their versions, planning and import: request bodies and answers. */
import { z } from "zod";
import { Coverage } from "../core/coverage";
import { JsonSchema } from "../core/json-schema";
import { ValidationIssue } from "../core/issues";
import { Plan, PlanInputName } from "../core/plan";
import { PlanDiff } from "../core/plan-diff";
import { ParsedInputs } from "../planner/parse-inputs";
import { MemoryUse } from "../planner/memory/remembered-plan";
import { PlanGoalRequest, PlanResult } from "../planner/request";
import { IsoDate } from "./common";

// ---- planning ----

/** A planning request as it arrives over HTTP or from a form: the goal request, plus the plan it builds on. */
export const PlanRequestBody = PlanGoalRequest.extend({
  /** plan the goal on top of this plan; the result is saved as its next version */
  basePlanId: z.string().optional(),
}).strict();
export type PlanRequestBody = z.infer<typeof PlanRequestBody>;

/** A planned goal and where it is stored; the ids and url are null when nothing in the catalog fits (status no_plan: nothing is stored). */
export const PlannedPlan = PlanResult.extend({ planId: z.string().nullable(), versionId: z.string().nullable(), version: z.number().int().nullable(), url: z.string().nullable() });
export type PlannedPlan = z.infer<typeof PlannedPlan>;

/** The body of POST /api/plans/parse-inputs. */
export const ParseInputsBody = z
  .object({
    message: z.string().min(1, "Give the text to read values from.").max(20_000),
    planId: z.string().optional(),
    inputs: z.array(z.object({ name: PlanInputName, schema: JsonSchema, description: z.string().optional() })).max(100).optional(),
    names: z.array(z.string()).max(100).optional(),
    /** the day relative dates count from ("tomorrow", "next Tuesday"), as the person's calendar shows it; default: the server's today */
    today: z.iso.date("a date as YYYY-MM-DD").optional(),
  })
  .strict()
  .refine((b) => b.planId !== undefined || (b.inputs?.length ?? 0) > 0, { message: "Give planId or inputs.", path: ["planId"] });
export type ParseInputsBody = z.infer<typeof ParseInputsBody>;

export { ParsedInputs };

// ---- import ----

/** The body of POST /api/plans/import: `plan` is a plan file in any of its forms (see plan-file). */
export const ImportPlanBody = z.object({
  plan: z.unknown().describe("a plan file: the plan IR, an exported version holding it in `plan`, or the compact form with `${...}` bindings"),
  note: z.string().max(2000).nullish(),
});
export type ImportPlanBody = z.infer<typeof ImportPlanBody>;

export const ImportedPlan = z.object({ planId: z.string(), versionId: z.string(), valid: z.boolean(), issues: z.array(ValidationIssue) });
export type ImportedPlan = z.infer<typeof ImportedPlan>;

// ---- plans and versions ----

export const VersionSummary = z.object({
  id: z.string(),
  planId: z.string(),
  number: z.number().int(),
  hash: z.string(),
  note: z.string().nullable(),
  source: z.string(),
  model: z.string().nullable(),
  valid: z.boolean(),
  errorCount: z.number().int(),
  stepCount: z.number().int(),
  /** who saved it: a person's e-mail, or "local" with accounts off; null before Trellis recorded it */
  createdBy: z.string().nullable().optional(),
  createdAt: IsoDate,
});
export type VersionSummary = z.infer<typeof VersionSummary>;

export const VersionDetail = VersionSummary.extend({
  plan: Plan,
  issues: z.array(ValidationIssue),
  /** how plan memory took part in planning this version: the remembered plan it started from, or the LLM's examples */
  memory: MemoryUse.optional(),
});
export type VersionDetail = z.infer<typeof VersionDetail>;

/** The query of GET /api/plans. */
export const PlanListQuery = z.object({
  archived: z.enum(["include", "exclude", "only"]).optional().describe("archived plans: `exclude` (the default), `include` or `only`"),
  limit: z.coerce.number().int().min(1).max(500).optional().describe("at most this many plans, most recently changed first (default 100)"),
});
export type PlanListQuery = z.infer<typeof PlanListQuery>;

export const PlanListItem = z.object({
  id: z.string(),
  title: z.string(),
  goal: z.string(),
  flows: z.array(z.string()),
  versionCount: z.number().int(),
  stepCount: z.number().int(),
  /** whether its latest version validated when saved; null without a version */
  valid: z.boolean().nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
  archivedAt: IsoDate.nullable(),
});
export const PlanList = z.object({ plans: z.array(PlanListItem) });
export type PlanList = z.infer<typeof PlanList>;

export const PlanDetail = z.object({
  plan: z.object({
    id: z.string(),
    title: z.string(),
    createdAt: IsoDate,
    updatedAt: IsoDate,
    /** set while the plan is archived (hidden from the plans list and the runs filter by default) */
    archivedAt: IsoDate.nullable(),
    /** who created it (see VersionSummary.createdBy) */
    createdBy: z.string().nullable().optional(),
    /** its action is plan.<slug> once it declares inputs and outputs (see README "Plans as actions") */
    slug: z.string().nullable().optional(),
    /** a tool of its own at /api/mcp */
    published: z.boolean().optional(),
    /** its runs, and how many of them have not ended (a plan with such a run cannot be deleted) */
    runs: z.object({ total: z.number().int(), active: z.number().int() }),
  }),
  latest: VersionDetail,
  /** the latest version checked against today's catalog (an action may have changed since it was saved) */
  issues: z.array(ValidationIssue),
  valid: z.boolean(),
  /** what the most recent planned version covers of its goal (steps edited away since read as uncovered in the editor); null when no version was planned */
  coverage: Coverage.nullable(),
});
export type PlanDetail = z.infer<typeof PlanDetail>;

export const SavePlanBody = z.object({
  plan: z.unknown().refine((v) => v !== undefined, "the plan is missing"),
  note: z.string().trim().max(500, "a note has at most 500 characters").optional(),
  /** the version the edit started from; when the plan has moved on since, the save is refused (409) */
  baseVersionId: z.string().min(1).optional(),
});
export type SavePlanBody = z.infer<typeof SavePlanBody>;

export const SaveResult = z.object({
  version: VersionDetail,
  /** false when the plan was identical to the latest version, which is returned instead */
  created: z.boolean(),
  issues: z.array(ValidationIssue),
  valid: z.boolean(),
});
export type SaveResult = z.infer<typeof SaveResult>;

export const VersionList = z.object({ versions: z.array(VersionSummary) });
export type VersionList = z.infer<typeof VersionList>;
export const VersionOne = z.object({ version: VersionDetail });
export type VersionOne = z.infer<typeof VersionOne>;

export const DiffQuery = z.object({
  /** a version id or number; by default the version before `to` */
  from: z.string().min(1).optional().describe("a version id or number; by default the version before `to`"),
  /** a version id or number; by default the latest */
  to: z.string().min(1).optional().describe("a version id or number; by default the latest"),
});
export type DiffQuery = z.infer<typeof DiffQuery>;

export { PlanDiff };
export const DiffResult = z.object({ from: VersionSummary, to: VersionSummary, diff: PlanDiff });
export type DiffResult = z.infer<typeof DiffResult>;

export const DeletePlanQuery = z.object({
  withRuns: z.enum(["true", "false"]).optional().describe("`true` deletes the plan's runs too (with their steps, events and files); without it a plan that has runs is kept (409)"),
});
export type DeletePlanQuery = z.infer<typeof DeletePlanQuery>;

export const PlanDeleted = z.object({ deleted: z.literal(true), runsDeleted: z.number().int() });
export type PlanDeleted = z.infer<typeof PlanDeleted>;

export const PlanArchived = z.object({ id: z.string(), archivedAt: IsoDate.nullable() });
export type PlanArchived = z.infer<typeof PlanArchived>;

/** Whether a plan is published (a tool of its own at /api/mcp), its slug (its action is plan.<slug>) and its tool's name. */
export const PlanPublished = z.object({ id: z.string(), published: z.boolean(), slug: z.string().nullable(), tool: z.string().nullable() });
export type PlanPublished = z.infer<typeof PlanPublished>;

// ---- refine ----

export const RefineBody = z.object({
  instruction: z.string().trim().min(3, "Say what to change, in a few words.").max(2000, "The instruction is longer than 2,000 characters."),
  /** the plan as it is in the editor; the latest version when absent */
  plan: z.unknown().optional(),
});
export type RefineBody = z.infer<typeof RefineBody>;

export const RefineResult = z.object({
  plan: Plan,
  diff: PlanDiff,
  issues: z.array(ValidationIssue),
  valid: z.boolean(),
  notes: z.array(z.string()),
  /** the model, or "offline" */
  planner: z.string(),
});
export type RefineResult = z.infer<typeof RefineResult>;
