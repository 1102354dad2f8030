/**
 * The REST API as an OpenAPI 3.1 document, generated from the zod schemas the routes parse
 * requests with (request bodies, queries) and the schemas of what they answer. Shapes that
 * are plain TypeScript types elsewhere get their JSON schema here, checked against those types
 * at compile time; the contract test (tests/api) calls every operation on the built app and
 * checks each answer against this document.
 */
import { z } from "zod";
import { ActionSpec, Failure, Plan, PlanInput, PlanningEvent, RunEvent, RunStatus, StepStatus, Usage, ValidationIssue } from "../core";
import type { PlanDiff } from "../core/plan-diff";
import { RunOptions } from "../engine/run-options";
import type { ParsedInputs } from "../planner/parse-inputs";
import { MissingInput, PlanResult } from "../planner/request";
import { PlanStreamChunk } from "../planner/stream";
import { Template, TemplateInfo, TemplateParam } from "../templates";
import { DiffQuery, SavePlanBody, type PlanDetail, type SaveResult, type VersionSummary } from "./plan-editing";
import { ParseInputsBody, PlanRequestBody } from "./planning";
import { ImportPlanBody } from "./plans";
import { DecisionBody, RetryBody, RunListQuery, StartRunBody } from "./runs";
import { InstantiateTemplateBody, InstantiatedTemplate, SaveTemplateBody, TemplateDetail, TemplateList } from "./templates";

// ---- answers: JSON as sent (dates are ISO 8601 text) ----

const IsoDate = z.string().describe("ISO 8601 date and time");

export const ApiError = z.object({
  error: z.object({ code: z.string().describe("machine-readable, e.g. bad_request, not_found, invalid_plan"), message: z.string().describe("what is wrong, for a person"), details: z.unknown().optional() }),
});

export const FlowList = z.object({
  flows: z.array(z.object({ id: z.string(), actions: z.number().int(), titles: z.array(z.string()) })),
  globalActions: z.number().int(),
  planner: z.object({ llm: z.boolean(), model: z.string().optional() }),
});
export const FlowDetail = z.object({ id: z.string(), actions: z.array(ActionSpec) });

export const PlannedPlan = PlanResult.extend({ planId: z.string(), versionId: z.string(), version: z.number().int(), url: z.string() });

export const ParsedInputsJson = z.object({
  values: z.record(z.string(), z.unknown()),
  missing: z.array(z.string()),
  invalid: z.array(z.object({ name: z.string(), value: z.unknown(), reason: z.string() })),
  source: z.enum(["llm", "offline"]),
  usage: Usage.optional(),
});

export const ImportedPlan = z.object({ planId: z.string(), versionId: z.string(), valid: z.boolean(), issues: z.array(ValidationIssue) });

export const VersionSummaryJson = z.object({
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
  createdAt: IsoDate,
});
export const VersionDetailJson = VersionSummaryJson.extend({ plan: Plan, issues: z.array(ValidationIssue) });
export const PlanDetailJson = z.object({
  plan: z.object({ id: z.string(), title: z.string(), createdAt: IsoDate, updatedAt: IsoDate }),
  latest: VersionDetailJson,
  issues: z.array(ValidationIssue),
  valid: z.boolean(),
});
export const SaveResultJson = z.object({ version: VersionDetailJson, created: z.boolean(), issues: z.array(ValidationIssue), valid: z.boolean() });
export const VersionList = z.object({ versions: z.array(VersionSummaryJson) });
export const VersionOne = z.object({ version: VersionDetailJson });

const Change = z.object({ before: z.string().optional(), after: z.string().optional() });
const NamedChange = Change.extend({ name: z.string() });
export const PlanDiffJson = z.object({
  steps: z.object({
    added: z.array(Plan.shape.steps.element),
    removed: z.array(Plan.shape.steps.element),
    changed: z.array(z.object({ id: z.string(), action: z.string(), changes: z.array(Change.extend({ field: z.string() })) })),
    unchanged: z.number().int(),
  }),
  inputs: z.object({ added: z.array(PlanInput), removed: z.array(PlanInput), changed: z.array(NamedChange) }),
  outputs: z.object({ added: z.array(NamedChange), removed: z.array(NamedChange), changed: z.array(NamedChange) }),
  goal: z.object({ before: z.string(), after: z.string() }).optional(),
  flows: z.object({ before: z.array(z.string()), after: z.array(z.string()) }).optional(),
  same: z.boolean(),
});
export const DiffResult = z.object({ from: VersionSummaryJson, to: VersionSummaryJson, diff: PlanDiffJson });

export const PlanDeleted = z.object({ deleted: z.literal(true) });

export const RunStarted = z.object({ runId: z.string() });
export const Ok = z.object({ ok: z.literal(true) });

export const RunRecordJson = z.object({
  id: z.string(),
  planId: z.string(),
  planVersionId: z.string(),
  status: RunStatus,
  inputs: z.record(z.string(), z.unknown()),
  options: RunOptions,
  outputs: z.record(z.string(), z.unknown()).nullable().optional(),
  failure: Failure.nullable().optional(),
  usage: Usage.nullable().optional(),
  lastSeq: z.number().int(),
  retryOfId: z.string().nullable().optional(),
  createdAt: IsoDate,
  startedAt: IsoDate.nullable().optional(),
  finishedAt: IsoDate.nullable().optional(),
});
export const RunListItem = RunRecordJson.extend({ planTitle: z.string(), versionNumber: z.number().int(), stepCount: z.number().int(), durationMs: z.number().nullable() });
export const RunList = z.object({ runs: z.array(RunListItem) });

export const StepRecordJson = z.object({
  stepId: z.string(),
  status: StepStatus,
  attempts: z.number().int(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  failure: Failure.nullable().optional(),
  usage: Usage.nullable().optional(),
  idempotencyKey: z.string(),
  approval: z.object({ decision: z.enum(["approved", "rejected"]), by: z.string().optional(), comment: z.string().optional(), input: z.unknown().optional(), at: z.string() }).nullable().optional(),
  reusedFromRunId: z.string().nullable().optional(),
  startedAt: IsoDate.nullable().optional(),
  finishedAt: IsoDate.nullable().optional(),
});
export const RunDetail = z.object({ run: RunRecordJson, steps: z.array(StepRecordJson), planTitle: z.string(), versionNumber: z.number().int(), plan: Plan });

export const StepViewJson = z.object({
  status: StepStatus,
  attempts: z.number().int(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  failure: Failure.nullable().optional(),
  usage: Usage.nullable().optional(),
  startedAt: IsoDate.nullable().optional(),
  attemptStartedAt: IsoDate.nullable().optional(),
  finishedAt: IsoDate.nullable().optional(),
  progress: z.object({ fraction: z.number(), message: z.string().optional() }).optional(),
  logs: z.array(z.object({ at: IsoDate, level: z.string(), message: z.string() })),
  skipReason: z.string().optional(),
  cause: z.string().optional(),
  reusedFromRunId: z.string().nullable().optional(),
  usedFallback: z.boolean().optional(),
  approval: z.object({ decision: z.enum(["approved", "rejected"]), by: z.string().optional(), comment: z.string().optional() }).nullable().optional(),
  undone: z.object({ ok: z.boolean(), error: z.string().optional() }).optional(),
  retryingInMs: z.number().optional(),
});
export const RunViewJson = z.object({
  id: z.string(),
  status: RunStatus,
  lastSeq: z.number().int(),
  startedAt: IsoDate.nullable().optional(),
  finishedAt: IsoDate.nullable().optional(),
  outputs: z.record(z.string(), z.unknown()).nullable().optional(),
  failure: Failure.nullable().optional(),
  steps: z.record(z.string(), StepViewJson),
});
export const RunPage = z.object({
  view: RunViewJson,
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
  }),
});
export const EventList = z.object({ events: z.array(RunEvent) });

// What the server's TypeScript types say must fit the documented JSON; a drift fails the type check.
type Fits<A extends B, B> = A;
export type _ShapesAgree = [
  Fits<VersionSummary, z.infer<typeof VersionSummaryJson>>,
  Fits<PlanDetail, z.infer<typeof PlanDetailJson>>,
  Fits<SaveResult, z.infer<typeof SaveResultJson>>,
  Fits<PlanDiff, z.infer<typeof PlanDiffJson>>,
  Fits<ParsedInputs, z.infer<typeof ParsedInputsJson>>,
];

// ---- components: every named schema, referenced from operations ----

const components = z.registry<{ id: string; description?: string }>();
const named: Record<string, z.ZodType> = {
  ApiError, Plan, PlanInput, ValidationIssue, ActionSpec, RunOptions, RunEvent, PlanningEvent, Failure, Usage, MissingInput,
  PlanResult, PlannedPlan, PlanStreamChunk, ParsedInputs: ParsedInputsJson, ImportedPlan, FlowList, FlowDetail,
  VersionSummary: VersionSummaryJson, VersionDetail: VersionDetailJson, PlanDetail: PlanDetailJson, SaveResult: SaveResultJson, VersionList, VersionOne, PlanDiff: PlanDiffJson, DiffResult, PlanDeleted,
  RunStarted, Ok, RunRecord: RunRecordJson, RunListItem, RunList, StepRecord: StepRecordJson, RunDetail, StepView: StepViewJson, RunView: RunViewJson, RunPage, EventList,
  TemplateParam, Template, TemplateInfo, TemplateList, TemplateDetail, InstantiatedTemplate,
};
for (const [id, schema] of Object.entries(named)) components.add(schema, { id });
const schemaId = new Map<z.ZodType, string>(Object.entries(named).map(([id, s]) => [s, id]));

// ---- operations ----

type Answer = { description: string; schema?: z.ZodType; sse?: { event: string; data: z.ZodType } };

export interface Operation {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI path, `{name}` for path parameters */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  pathParams?: Record<string, string>;
  query?: z.ZodObject;
  headers?: Record<string, string>;
  body?: z.ZodType;
  /** the body may be left out (it reads as {}) */
  bodyOptional?: boolean;
  responses: Record<number, Answer>;
  /** error statuses this operation answers with an ApiError */
  errors: number[];
}

const ID = { id: "a plan id (UUID)" };
const RUN = { id: "a run id (UUID)" };
const TPL = { id: "a template id, e.g. csv-report" };
const json = (description: string, schema: z.ZodType): Answer => ({ description, schema });

export const OPERATIONS: Operation[] = [
  { method: "get", path: "/api/openapi.json", operationId: "getOpenApi", tag: "meta", summary: "This document", responses: { 200: { description: "The OpenAPI 3.1 document" } }, errors: [] },

  { method: "get", path: "/api/flows", operationId: "listFlows", tag: "flows", summary: "Flows and the active planner", description: "Every flow with its number of actions; global actions (no flow) are offered with every flow.", responses: { 200: json("The flows", FlowList) }, errors: [500] },
  { method: "get", path: "/api/flows/{id}", operationId: "getFlow", tag: "flows", summary: "A flow's actions with their JSON Schemas", pathParams: { id: "a flow id, e.g. data" }, responses: { 200: json("The flow's actions", FlowDetail) }, errors: [404] },

  { method: "post", path: "/api/plans", operationId: "planGoal", tag: "plans", summary: "Plan a goal and save the plan", description: "Plans with the configured LLM, or offline without one, validates and repairs the plan, and stores it (a plan with errors is stored as a draft). `basePlanId` plans on top of a plan and saves its next version.", body: PlanRequestBody, responses: { 201: json("The saved plan with its status, issues and missing inputs", PlannedPlan) }, errors: [400, 404] },
  { method: "post", path: "/api/plans/stream", operationId: "planGoalStream", tag: "plans", summary: "Plan a goal, streaming planning events", description: "The same request as POST /api/plans. The answer is Server-Sent Events, each `data:` one PlanStreamChunk: `event` chunks while planning, then one `done` (with the plan id) or `error`.", body: PlanRequestBody, responses: { 200: { description: "Server-Sent Events", sse: { event: "event | done | error", data: PlanStreamChunk } } }, errors: [400] },
  { method: "post", path: "/api/plans/parse-inputs", operationId: "parseInputs", tag: "plans", summary: "Read plan input values out of free text", description: "With `planId`, reads the plan's inputs that still need values; with `inputs`, those. Uses the LLM when one is configured, else `name = value` pairs and values whose form gives them away.", body: ParseInputsBody, responses: { 200: json("Values found, missing and invalid", ParsedInputsJson) }, errors: [400, 404] },
  { method: "post", path: "/api/plans/import", operationId: "importPlan", tag: "plans", summary: "Create a plan from its JSON", description: "A body that is not a plan: 400 and nothing is written. A plan with validation errors is saved as a draft, with its issues.", body: ImportPlanBody, responses: { 201: json("The stored plan", ImportedPlan) }, errors: [400] },
  { method: "get", path: "/api/plans/{id}", operationId: "getPlan", tag: "plans", summary: "A plan with its latest version", description: "`issues` and `valid` check the latest version against today's catalog.", pathParams: ID, responses: { 200: json("The plan", PlanDetailJson) }, errors: [400, 404] },
  { method: "put", path: "/api/plans/{id}", operationId: "updatePlan", tag: "plans", summary: "Save an edited plan as a new version", description: "Identical content is not duplicated (`created: false`). `baseVersionId` refuses the save (409) when the plan has moved on since. A body whose `plan` is not a plan: 422.", pathParams: ID, body: SavePlanBody, responses: { 200: json("The version saved (or the identical latest one)", SaveResultJson) }, errors: [400, 404, 409, 422] },
  { method: "delete", path: "/api/plans/{id}", operationId: "deletePlan", tag: "plans", summary: "Delete a plan and its versions", description: "A plan that has runs is kept (409): their history pins its versions.", pathParams: ID, responses: { 200: json("Deleted", PlanDeleted) }, errors: [400, 404, 409] },
  { method: "get", path: "/api/plans/{id}/versions", operationId: "listVersions", tag: "plans", summary: "A plan's versions, newest first", pathParams: ID, responses: { 200: json("The versions", VersionList) }, errors: [400, 404] },
  { method: "get", path: "/api/plans/{id}/versions/{versionId}", operationId: "getVersion", tag: "plans", summary: "One version, by id or number", pathParams: { ...ID, versionId: "a version id, or its number (3 or v3)" }, responses: { 200: json("The version with its plan", VersionOne) }, errors: [400, 404] },
  { method: "post", path: "/api/plans/{id}/versions/{versionId}/restore", operationId: "restoreVersion", tag: "plans", summary: "Make an old version the newest, as a new version", pathParams: { ...ID, versionId: "a version id, or its number" }, responses: { 200: json("The new version", SaveResultJson) }, errors: [400, 404] },
  { method: "get", path: "/api/plans/{id}/diff", operationId: "diffVersions", tag: "plans", summary: "What changed between two versions", description: "By default the latest version against the one before it.", pathParams: ID, query: DiffQuery, responses: { 200: json("The two versions and their difference", DiffResult) }, errors: [400, 404] },
  { method: "post", path: "/api/plans/{id}/runs", operationId: "startRun", tag: "runs", summary: "Start a run of a plan", description: "Validates the plan version and the inputs, stores the run and starts it in the background. Invalid plan or inputs: 422.", pathParams: ID, body: StartRunBody, bodyOptional: true, responses: { 202: json("The run was started", RunStarted) }, errors: [400, 404, 422] },

  { method: "get", path: "/api/runs", operationId: "listRuns", tag: "runs", summary: "Runs, newest first", query: RunListQuery, responses: { 200: json("The runs", RunList) }, errors: [400] },
  { method: "get", path: "/api/runs/{id}", operationId: "getRun", tag: "runs", summary: "A run with its steps and plan", pathParams: RUN, responses: { 200: json("The run", RunDetail) }, errors: [404] },
  { method: "get", path: "/api/runs/{id}/view", operationId: "getRunView", tag: "runs", summary: "A run's state rebuilt from its events", description: "What the run page shows: the state after every event, the plan and its actions.", pathParams: RUN, responses: { 200: json("The run's view", RunPage) }, errors: [404] },
  {
    method: "get",
    path: "/api/runs/{id}/events",
    operationId: "runEvents",
    tag: "runs",
    summary: "A run's events, live, as Server-Sent Events",
    description: "Stored events first, then live ones, with no gap and no duplicate; the SSE `id` is the event's `seq`, so a client that reconnects with `Last-Event-ID` misses nothing. `?format=json` answers the stored events as one JSON document instead.",
    pathParams: RUN,
    query: z.object({ lastEventId: z.string().optional().describe("resume after this seq (same as the Last-Event-ID header)"), format: z.enum(["json"]).optional().describe("json: the stored events as one document") }),
    headers: { "Last-Event-ID": "resume after this seq" },
    responses: { 200: { description: "Server-Sent Events (`event: run-event`), or with ?format=json an EventList", schema: EventList, sse: { event: "run-event", data: RunEvent } } },
    errors: [404],
  },
  { method: "post", path: "/api/runs/{id}/cancel", operationId: "cancelRun", tag: "runs", summary: "Cancel a run", pathParams: RUN, responses: { 200: json("Cancelled", Ok) }, errors: [404, 409] },
  { method: "post", path: "/api/runs/{id}/approve", operationId: "approveStep", tag: "runs", summary: "Approve a step that waits for approval", description: "`input` replaces the step's resolved input (it must fit the action).", pathParams: RUN, body: DecisionBody, responses: { 200: json("Approved", Ok) }, errors: [400, 404, 409, 422] },
  { method: "post", path: "/api/runs/{id}/reject", operationId: "rejectStep", tag: "runs", summary: "Reject a step that waits for approval", description: "What follows depends on the run's `onReject` option: skip the step's dependents, or fail the run.", pathParams: RUN, body: DecisionBody, responses: { 200: json("Rejected", Ok) }, errors: [400, 404, 409] },
  { method: "post", path: "/api/runs/{id}/retry", operationId: "retryRun", tag: "runs", summary: "Retry a failed or cancelled run", description: "A new run that reuses the outputs of steps that succeeded, when the step and everything upstream of it is unchanged.", pathParams: RUN, body: RetryBody, bodyOptional: true, responses: { 202: json("The new run", RunStarted) }, errors: [400, 404, 409, 422] },

  { method: "get", path: "/api/templates", operationId: "listTemplates", tag: "templates", summary: "Built-in and saved plan templates", responses: { 200: json("The templates", TemplateList) }, errors: [] },
  { method: "post", path: "/api/templates", operationId: "saveTemplate", tag: "templates", summary: "Save a plan as a template", description: "From a stored plan (`planId`, optionally `versionId`) or a plan given whole. Parameters default to the plan's inputs; `from: { step, input }` turns a step's literal into a parameter. The template's plan, with its defaults, must validate.", body: SaveTemplateBody, responses: { 201: json("The saved template", TemplateDetail) }, errors: [400, 404, 409, 422] },
  { method: "get", path: "/api/templates/{id}", operationId: "getTemplate", tag: "templates", summary: "One template", pathParams: TPL, responses: { 200: json("The template", TemplateDetail) }, errors: [400, 404] },
  { method: "delete", path: "/api/templates/{id}", operationId: "deleteTemplate", tag: "templates", summary: "Delete a saved template", description: "Built-in templates cannot be deleted (409).", pathParams: TPL, responses: { 200: json("Deleted", Ok) }, errors: [400, 404, 409] },
  { method: "post", path: "/api/templates/{id}/instantiate", operationId: "instantiateTemplate", tag: "templates", summary: "Make a plan from a template", description: "Checks each parameter against its JSON Schema (400 `invalid_params` naming them), makes the plan, validates it and stores it (201) — or with `save: false` only returns it (200).", pathParams: TPL, body: InstantiateTemplateBody, bodyOptional: true, responses: { 201: json("The stored plan", InstantiatedTemplate), 200: json("The plan, not stored (save: false)", InstantiatedTemplate) }, errors: [400, 404] },
];

// ---- the document ----

type JsonObject = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: "A bad request: the body, query or an id is malformed; the message names the problem",
  404: "Not found",
  409: "A conflict with the current state",
  413: "The body is too large",
  415: "The body is not JSON",
  422: "The plan or the inputs are not valid",
  500: "An unexpected server error",
};

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: (ctx) => {
      // Query dates arrive as text.
      if (ctx.zodSchema._zod.def.type === "date") Object.assign(ctx.jsonSchema, { type: "string", format: "date-time" });
    },
  }) as JsonObject;
  delete out.$schema;
  return out;
}

function answerContent(a: Answer): JsonObject | undefined {
  const content: JsonObject = {};
  if (a.schema) {
    const id = schemaId.get(a.schema);
    content["application/json"] = { schema: id ? { $ref: `#/components/schemas/${id}` } : toSchema(a.schema, "output") };
  }
  if (a.sse) {
    const id = schemaId.get(a.sse.data);
    content["text/event-stream"] = {
      schema: { type: "string", description: `Server-Sent Events; each event is \`${a.sse.event}\` and its data is one JSON value of the schema in x-event-data.` },
      "x-event-data": id ? { $ref: `#/components/schemas/${id}` } : toSchema(a.sse.data, "output"),
    };
  }
  if (!Object.keys(content).length) content["application/json"] = { schema: { type: "object" } };
  return content;
}

function operationObject(op: Operation): JsonObject {
  const parameters: JsonObject[] = [];
  for (const [name, description] of Object.entries(op.pathParams ?? {})) parameters.push({ name, in: "path", required: true, description, schema: { type: "string" } });
  if (op.query) {
    for (const [name, prop] of Object.entries(op.query.shape)) {
      const schema = toSchema(prop as z.ZodType, "input");
      const description = typeof schema.description === "string" ? schema.description : undefined;
      parameters.push({ name, in: "query", required: !(prop as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema });
    }
  }
  for (const [name, description] of Object.entries(op.headers ?? {})) parameters.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  const responses: JsonObject = {};
  for (const [status, a] of Object.entries(op.responses)) responses[status] = { description: a.description, content: answerContent(a) };
  // Every JSON body goes through one reader: not JSON is 415, too large 413, malformed 400.
  const errors = [...new Set([...op.errors, ...(op.body ? [400, 413, 415] : [])])].sort();
  for (const status of errors) responses[String(status)] = { description: ERROR_TEXT[status] ?? "An error", content: { "application/json": { schema: { $ref: "#/components/schemas/ApiError" } } } };
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: !op.bodyOptional, content: { "application/json": { schema: toSchema(op.body, "input") } } } } : {}),
    responses,
  };
}

let cached: JsonObject | undefined;

/** The whole document; built once per process (the schemas do not change while it runs). */
export function openApiDocument(): JsonObject {
  if (cached) return cached;
  const { schemas } = z.toJSONSchema(components, { io: "output", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, JsonObject> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  const paths: Record<string, JsonObject> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Trellis REST API",
      version: "1",
      description: "Plan a goal into a typed plan of steps, validate and edit it, run it and follow it live. Every error is JSON: `{ error: { code, message, details? } }`. See docs/api.md for examples.",
    },
    tags: [
      { name: "flows", description: "Actions by flow" },
      { name: "plans", description: "Planning, plans and their versions" },
      { name: "runs", description: "Runs, approvals and live events" },
      { name: "templates", description: "Parametrized plan templates" },
      { name: "meta", description: "This document" },
    ],
    paths,
    components: { schemas },
  };
  return cached;
}
