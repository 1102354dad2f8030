/** Runs: starting, listing, reading, deciding, retrying, and their events. */
import { z } from "zod";
import { ActionSpec } from "../core/action";
import { ArtifactMediaType, Sha256 } from "../core/artifact";
import { RunEvent, RunStatus } from "../core/events";
import { RunFields, RunOutcome, StepFields } from "../core/run-state";
import { RunView, StepCounts, StepView } from "../core/run-view";
import { Plan } from "../core/plan";
import { RunResult } from "../core/run-result";
import { RunOptions } from "../core/run-options";
import { IsoDate } from "./common";
import { RunFiles } from "./uploads";

export const StartRunBody = z.object({
  /** a version of the plan; the latest when absent */
  versionId: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).default({}),
  options: RunOptions.partial().default({}),
  files: RunFiles.optional(),
  /** a run of this plan whose given files this run gets too (Run again); `files` of the same name win */
  filesOf: z.uuid().optional().describe("a run of the same plan: this run gets the files that run was given (uploaded ones of the same name win)"),
});
export type StartRunBody = z.infer<typeof StartRunBody>;

export const RunStarted = z.object({ runId: z.string() });
export type RunStarted = z.infer<typeof RunStarted>;

/** A date a query may filter on: one the database can compare (years 1 to 9999). */
const QueryDate = z.coerce
  .date({ message: "a date such as 2026-12-01 or 2026-12-01T10:00:00Z" })
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, "a date between the years 1 and 9999");

export const RunListQuery = z.object({
  status: RunStatus.optional(),
  outcome: RunOutcome.optional().describe("succeeded runs that went this way: `clean`, `with_rejections` (a person rejected a step) or `partial` (a step ended without its output and the run went on)"),
  planId: z.string().optional(),
  since: QueryDate.optional(),
  until: QueryDate.optional(),
  archived: z.enum(["include", "exclude", "only"]).optional().describe("runs of archived plans: `include` (the default), `exclude` or `only`"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type RunListQuery = z.infer<typeof RunListQuery>;

export const DecisionBody = z.object({
  stepId: z.string().min(1),
  comment: z.string().max(2000).optional(),
  /** with accounts off, a name noted with the decision (else "local"); with accounts on it is ignored: the decision is the caller's */
  by: z.string().max(200).optional(),
  /** approve only: an edited input for the step */
  input: z.unknown().optional(),
});
export type DecisionBody = z.infer<typeof DecisionBody>;

/** A person's decision on a re-plan that waits for one (the run page's Accept / Reject). */
export const ReplanDecisionBody = z.object({
  decision: z.enum(["accept", "reject"]),
  comment: z.string().max(2000).optional(),
  /** with accounts off, a name noted with the decision (else "local"); with accounts on it is ignored: the decision is the caller's */
  by: z.string().max(200).optional(),
});
export type ReplanDecisionBody = z.infer<typeof ReplanDecisionBody>;

export const RetryBody = z.object({
  /** retry on this plan version; `latest: true` takes the plan's newest version */
  versionId: z.string().optional(),
  latest: z.boolean().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});
export type RetryBody = z.infer<typeof RetryBody>;

/** A stored run as the API answers it: the row fields the run reducer folds, and what the run was started with. */
export const RunRecord = RunFields.extend({
  id: z.string(),
  planId: z.string(),
  planVersionId: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  options: RunOptions,
  lastSeq: z.number().int(),
  retryOfId: z.string().nullable().optional(),
  /** a child run's parent: the run and the step (a plan action) that started it */
  parentRunId: z.string().nullable().optional(),
  parentStepId: z.string().nullable().optional(),
  createdAt: IsoDate,
  /** how a succeeded run went (null unless it succeeded): the same reducer's fields, read by runOutcome */
  outcome: RunOutcome.nullable(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export const RunListItem = RunRecord.extend({ planTitle: z.string(), versionNumber: z.number().int(), stepCount: z.number().int(), steps: StepCounts.describe("how its steps ended, each way counted apart"), durationMs: z.number().nullable() });
export type RunListItem = z.infer<typeof RunListItem>;
export const RunList = z.object({ runs: z.array(RunListItem) });
export type RunList = z.infer<typeof RunList>;

/** A stored step as the API answers it: the row fields the run reducer folds, with its key. */
export const StepRecord = StepFields.extend({ stepId: z.string(), idempotencyKey: z.string() });
export type StepRecord = z.infer<typeof StepRecord>;

export const RunDetail = z.object({
  /** the run's typed result, first, when its plan declares one (plan.result); absent otherwise */
  result: RunResult.optional(),
  run: RunRecord, steps: z.array(StepRecord), planTitle: z.string(), versionNumber: z.number().int(), plan: Plan,
});
export type RunDetail = z.infer<typeof RunDetail>;

/** The run page's state: the same reducer's view (lib/core/run-view). */
export { RunView, StepView };

export const AuditEntry = z.object({
  at: IsoDate,
  who: z.string(),
  what: z.enum(["started", "retried", "approved", "rejected", "cancelled"]),
  stepId: z.string().optional(),
  comment: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const RunPage = z.object({
  view: RunView,
  plan: Plan,
  actions: z.array(ActionSpec),
  meta: z.object({
    planId: z.string(),
    planTitle: z.string(),
    versionNumber: z.number().int(),
    planVersionId: z.string(),
    inputs: z.record(z.string(), z.unknown()),
    options: RunOptions,
    createdAt: IsoDate,
    retryOfId: z.string().nullable(),
    /** who started (or retried) it: a person's e-mail, or "local"; null before Trellis recorded it */
    startedBy: z.string().nullable().optional(),
    /** a child run's parent: the run and the step (a plan action) that started it */
    parent: z.object({ runId: z.string(), stepId: z.string() }).nullable().optional(),
  }),
  /** the child runs its plan-action steps started, newest last */
  children: z.array(z.object({ stepId: z.string(), runId: z.string(), status: z.string() })).optional(),
  /** who did what to the run, oldest first: started, approved, rejected, cancelled */
  audit: z.array(AuditEntry).optional(),
});
export type RunPage = z.infer<typeof RunPage>;

export const EventList = z.object({ events: z.array(RunEvent) });
export type EventList = z.infer<typeof EventList>;

export const EventsQuery = z.object({
  lastEventId: z.string().optional().describe("resume after this seq (same as the Last-Event-ID header)"),
  format: z.enum(["json"]).optional().describe("json: the stored events as one document"),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

/** The most items of a list or entries of an object one page of an artifact holds. */
export const ARTIFACT_PAGE_MAX_ITEMS = 1000;

export const ArtifactPageQuery = z.object({
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe("where the page starts: an item of a list, an entry of an object, or a character of a text"),
  limit: z.coerce.number().int().min(1).max(1_000_000).default(100).describe(`how much the page holds: items or entries (at most ${ARTIFACT_PAGE_MAX_ITEMS}), or characters of a text`),
});
export type ArtifactPageQuery = z.infer<typeof ArtifactPageQuery>;

const pageFields = {
  sha256: Sha256,
  mediaType: ArtifactMediaType,
  bytes: z.number().int().min(0).describe("size of the artifact's file"),
  offset: z.number().int().min(0),
  next: z.number().int().min(0).nullable().describe("the offset of the next page; null after the last"),
};

/** One page of a run's artifact (a large step output, or part of one), read from its file. */
export const ArtifactPage = z.discriminatedUnion("kind", [
  z.object({ ...pageFields, kind: z.literal("list"), items: z.array(z.unknown()) }),
  z.object({ ...pageFields, kind: z.literal("object"), entries: z.array(z.object({ key: z.string(), value: z.unknown() })) }),
  z.object({ ...pageFields, kind: z.literal("text"), text: z.string() }),
]);
export type ArtifactPage = z.infer<typeof ArtifactPage>;
