/**
 * The REST API, one row per operation: the contract itself. Route handlers are built from
 * these rows (lib/server/route), the OpenAPI document is generated from them (./openapi), and
 * the typed client calls them (./client). Adding an endpoint is a row here, one lib function
 * and one route file.
 */
import { z } from "zod";
import { RunEvent } from "../core/events";
import { PlanStreamChunk } from "../planner/stream";
import { Ok, PathId } from "./common";
import { FlowDetail, FlowList } from "./flows";
import { operation } from "./operation";
import { DeletePlanQuery, DiffQuery, DiffResult, ImportPlanBody, ImportedPlan, ParseInputsBody, ParsedInputs, PlanArchived, PlanDeleted, PlanDetail, PlanRequestBody, PlannedPlan, RefineBody, RefineResult, SavePlanBody, SaveResult, VersionList, VersionOne } from "./plans";
import { Sha256 } from "../core/artifact";
import { ArtifactPage, ArtifactPageQuery, DecisionBody, EventList, EventsQuery, RetryBody, RunDetail, RunList, RunListQuery, RunPage, RunStarted, StartRunBody } from "./runs";
import { MemoryList } from "./memory";
import { InstantiateTemplateBody, InstantiatedTemplate, SaveTemplateBody, TemplateDetail, TemplateList } from "./templates";

const PlanParams = z.object({ id: PathId.describe("a plan id (UUID)") });
const VersionParams = PlanParams.extend({ versionId: PathId.describe("a version id, or its number (3 or v3)") });
const RunParams = z.object({ id: PathId.describe("a run id (UUID)") });
const ArtifactParams = RunParams.extend({ sha256: Sha256.describe("the artifact's SHA-256, as its reference (`$artifact.sha256`) gives it") });
const TemplateParams = z.object({ id: PathId.describe("a template id, e.g. csv-report") });
const FlowParams = z.object({ id: PathId.describe("a flow id, e.g. data") });
const MemoryParams = z.object({ id: PathId.describe("a remembered plan's id: version:<id> or template:<id>") });

export const OPERATIONS = {
  getOpenApi: operation({ id: "getOpenApi", method: "GET", path: "/api/openapi.json", tag: "meta", summary: "This document", status: 200, answerText: "The OpenAPI 3.1 document", errors: [] }),

  listFlows: operation({ id: "listFlows", method: "GET", path: "/api/flows", tag: "flows", summary: "Flows and the active planner", description: "Every flow with its number of actions; global actions (no flow) are offered with every flow.", status: 200, answer: FlowList, answerText: "The flows", errors: [500] }),
  getFlow: operation({ id: "getFlow", method: "GET", path: "/api/flows/{id}", tag: "flows", summary: "A flow's actions with their JSON Schemas", params: FlowParams, status: 200, answer: FlowDetail, answerText: "The flow's actions", errors: [404] }),

  planGoal: operation({ id: "planGoal", method: "POST", path: "/api/plans", tag: "plans", summary: "Plan a goal and save the plan", description: "Plans with the configured LLM, or offline without one, validates and repairs the plan, and stores it (a plan with errors is stored as a draft). `basePlanId` plans on top of a plan and saves its next version.", body: PlanRequestBody, status: 201, answer: PlannedPlan, answerText: "The saved plan with its status, issues and missing inputs", errors: [400, 404] }),
  planGoalStream: operation({ id: "planGoalStream", method: "POST", path: "/api/plans/stream", tag: "plans", summary: "Plan a goal, streaming planning events", description: "The same request as POST /api/plans. The answer is Server-Sent Events, each `data:` one PlanStreamChunk: `event` chunks while planning, then one `done` (with the plan id) or `error`.", body: PlanRequestBody, status: 200, answerText: "Server-Sent Events", sse: { event: "event | done | error", data: PlanStreamChunk }, errors: [400] }),
  parseInputs: operation({ id: "parseInputs", method: "POST", path: "/api/plans/parse-inputs", tag: "plans", summary: "Read plan input values out of free text", description: "With `planId`, reads the plan's inputs that still need values; with `inputs`, those. Uses the LLM when one is configured; else reads `name is/=/: value` for every input, a path after to/into/as, numbers, yes/no, dates as people write them (relative ones from `today`), and values whose form gives them away.", body: ParseInputsBody, status: 200, answer: ParsedInputs, answerText: "Values found, missing and invalid", errors: [400, 404] }),
  importPlan: operation({ id: "importPlan", method: "POST", path: "/api/plans/import", tag: "plans", summary: "Create a plan from its JSON", description: "`plan` is a plan file: the bare plan, an exported version (`{ plan, ... }`), or the compact form whose bindings are `${...}` text. A body that is not a plan: 400 and nothing is written. A plan with validation errors is saved as a draft, with its issues.", body: ImportPlanBody, status: 201, answer: ImportedPlan, answerText: "The stored plan", errors: [400] }),
  getPlan: operation({ id: "getPlan", method: "GET", path: "/api/plans/{id}", tag: "plans", summary: "A plan with its latest version", description: "`issues` and `valid` check the latest version against today's catalog.", params: PlanParams, status: 200, answer: PlanDetail, answerText: "The plan", errors: [400, 404] }),
  updatePlan: operation({ id: "updatePlan", method: "PUT", path: "/api/plans/{id}", tag: "plans", summary: "Save an edited plan as a new version", description: "Identical content is not duplicated (`created: false`). `baseVersionId` refuses the save (409) when the plan has moved on since. A body whose `plan` is not a plan: 422.", params: PlanParams, body: SavePlanBody, status: 200, answer: SaveResult, answerText: "The version saved (or the identical latest one)", errors: [400, 404, 409, 422] }),
  deletePlan: operation({ id: "deletePlan", method: "DELETE", path: "/api/plans/{id}", tag: "plans", summary: "Delete a plan and its versions", description: "A plan that has runs is kept (409), since their history pins its versions, unless `?withRuns=true`, which deletes its runs too (their steps, events and files). A plan with a run that has not ended (queued, running or awaiting approval) is always kept (409): cancel the run first. To hide a plan and keep its history, archive it.", params: PlanParams, query: DeletePlanQuery, status: 200, answer: PlanDeleted, answerText: "Deleted, with how many runs", errors: [400, 404, 409] }),
  archivePlan: operation({ id: "archivePlan", method: "POST", path: "/api/plans/{id}/archive", tag: "plans", summary: "Archive a plan", description: "An archived plan keeps its versions and runs and can still be opened, edited and run; the plans list and the runs page's plan filter leave it out unless asked for archived plans. Archiving an archived plan keeps its first archiving time.", params: PlanParams, status: 200, answer: PlanArchived, answerText: "Archived, since when", errors: [400, 404] }),
  unarchivePlan: operation({ id: "unarchivePlan", method: "DELETE", path: "/api/plans/{id}/archive", tag: "plans", summary: "Bring an archived plan back", description: "The plan is listed again. A plan that is not archived is answered as it is.", params: PlanParams, status: 200, answer: PlanArchived, answerText: "Not archived (`archivedAt: null`)", errors: [400, 404] }),
  refinePlan: operation({ id: "refinePlan", method: "POST", path: "/api/plans/{id}/refine", tag: "plans", summary: "Propose a change to a plan from an instruction", description: "The planner changes the plan (the one given, or the latest version) as the instruction says. Nothing is saved: the answer is the proposed plan, its diff against the base and its issues.", params: PlanParams, body: RefineBody, status: 200, answer: RefineResult, answerText: "The proposed plan and what changed", errors: [400, 404, 422] }),
  listVersions: operation({ id: "listVersions", method: "GET", path: "/api/plans/{id}/versions", tag: "plans", summary: "A plan's versions, newest first", params: PlanParams, status: 200, answer: VersionList, answerText: "The versions", errors: [400, 404] }),
  getVersion: operation({ id: "getVersion", method: "GET", path: "/api/plans/{id}/versions/{versionId}", tag: "plans", summary: "One version, by id or number", params: VersionParams, status: 200, answer: VersionOne, answerText: "The version with its plan", errors: [400, 404] }),
  restoreVersion: operation({ id: "restoreVersion", method: "POST", path: "/api/plans/{id}/versions/{versionId}/restore", tag: "plans", summary: "Make an old version the newest, as a new version", params: VersionParams, status: 200, answer: SaveResult, answerText: "The new version", errors: [400, 404] }),
  diffVersions: operation({ id: "diffVersions", method: "GET", path: "/api/plans/{id}/diff", tag: "plans", summary: "What changed between two versions", description: "By default the latest version against the one before it.", params: PlanParams, query: DiffQuery, status: 200, answer: DiffResult, answerText: "The two versions and their difference", errors: [400, 404] }),
  startRun: operation({ id: "startRun", method: "POST", path: "/api/plans/{id}/runs", tag: "runs", summary: "Start a run of a plan", description: "Validates the plan version and the inputs, stores the run and starts it in the background. A version of another plan: 400. Invalid plan or inputs: 422.", params: PlanParams, body: StartRunBody, bodyOptional: true, status: 202, answer: RunStarted, answerText: "The run was started", errors: [400, 404, 422] }),

  listRuns: operation({ id: "listRuns", method: "GET", path: "/api/runs", tag: "runs", summary: "Runs, newest first", query: RunListQuery, status: 200, answer: RunList, answerText: "The runs", errors: [400] }),
  getRun: operation({ id: "getRun", method: "GET", path: "/api/runs/{id}", tag: "runs", summary: "A run with its steps and plan", params: RunParams, status: 200, answer: RunDetail, answerText: "The run", errors: [404] }),
  getRunView: operation({ id: "getRunView", method: "GET", path: "/api/runs/{id}/view", tag: "runs", summary: "A run's state rebuilt from its events", description: "What the run page shows: the state after every event, the plan and its actions.", params: RunParams, status: 200, answer: RunPage, answerText: "The run's view", errors: [404] }),
  runEvents: operation({
    id: "runEvents",
    method: "GET",
    path: "/api/runs/{id}/events",
    tag: "runs",
    summary: "A run's events, live, as Server-Sent Events",
    description: "Stored events first, then live ones, with no gap and no duplicate; the SSE `id` is the event's `seq`, so a client that reconnects with `Last-Event-ID` misses nothing. `?format=json` answers the stored events as one JSON document instead.",
    params: RunParams,
    query: EventsQuery,
    headers: { "Last-Event-ID": "resume after this seq" },
    status: 200,
    answer: EventList,
    answerText: "Server-Sent Events (`event: run-event`), or with ?format=json an EventList",
    sse: { event: "run-event", data: RunEvent },
    errors: [400, 404],
  }),
  cancelRun: operation({ id: "cancelRun", method: "POST", path: "/api/runs/{id}/cancel", tag: "runs", summary: "Cancel a run", params: RunParams, status: 200, answer: Ok, answerText: "Cancelled", errors: [404, 409] }),
  approveStep: operation({ id: "approveStep", method: "POST", path: "/api/runs/{id}/approve", tag: "runs", summary: "Approve a step that waits for approval", description: "`input` replaces the step's resolved input (it must fit the action).", params: RunParams, body: DecisionBody, status: 200, answer: Ok, answerText: "Approved", errors: [400, 404, 409, 422] }),
  rejectStep: operation({ id: "rejectStep", method: "POST", path: "/api/runs/{id}/reject", tag: "runs", summary: "Reject a step that waits for approval", description: "What follows depends on the run's `onReject` option: skip the step's dependents, or fail the run.", params: RunParams, body: DecisionBody, status: 200, answer: Ok, answerText: "Rejected", errors: [400, 404, 409] }),
  getArtifactPage: operation({ id: "getArtifactPage", method: "GET", path: "/api/runs/{id}/artifacts/{sha256}", tag: "runs", summary: "One page of a large value of a run", description: "A step output, input or run output larger than 256 KB of JSON is kept as an artifact, and the run's answers carry its reference (`{ $artifact: { sha256, bytes, mediaType, preview } }`) instead. This reads it a page at a time: items of a list (a table's rows), entries of an object, or characters of a text. `next` is where the following page starts.", params: ArtifactParams, query: ArtifactPageQuery, status: 200, answer: ArtifactPage, answerText: "The page", errors: [400, 404] }),
  downloadArtifact: operation({ id: "downloadArtifact", method: "GET", path: "/api/runs/{id}/artifacts/{sha256}/file", tag: "runs", summary: "Download a large value of a run", description: "The artifact's file as it is stored: a list as one JSON value a line (`.ndjson`), a text as UTF-8 (`.txt`), anything else as JSON (`.json`).", params: ArtifactParams, status: 200, download: true, answerText: "The file", errors: [400, 404] }),
  retryRun: operation({ id: "retryRun", method: "POST", path: "/api/runs/{id}/retry", tag: "runs", summary: "Retry a failed or cancelled run", description: "A new run that reuses the outputs of steps that succeeded, when the step and everything upstream of it is unchanged.", params: RunParams, body: RetryBody, bodyOptional: true, status: 202, answer: RunStarted, answerText: "The new run", errors: [400, 404, 409, 422] }),

  listMemory: operation({ id: "listMemory", method: "GET", path: "/api/memory", tag: "memory", summary: "Remembered plans", description: "Plan versions that ran to a clean success, and templates, with their goals: what planning starts from (offline) or shows the LLM as examples. Newest first.", status: 200, answer: MemoryList, answerText: "The remembered plans", errors: [] }),
  forgetMemory: operation({ id: "forgetMemory", method: "DELETE", path: "/api/memory/{id}", tag: "memory", summary: "Forget a remembered plan", description: "Planning no longer recalls it, even after another clean run. The plan itself is kept. Forgetting twice is fine.", params: MemoryParams, status: 200, answer: Ok, answerText: "Forgotten", errors: [400, 404] }),

  listTemplates: operation({ id: "listTemplates", method: "GET", path: "/api/templates", tag: "templates", summary: "Built-in and saved plan templates", status: 200, answer: TemplateList, answerText: "The templates", errors: [] }),
  saveTemplate: operation({ id: "saveTemplate", method: "POST", path: "/api/templates", tag: "templates", summary: "Save a plan as a template", description: "From a stored plan (`planId`, optionally `versionId`) or a plan given whole. Parameters default to the plan's inputs; `from: { step, input }` turns a step's literal into a parameter. The template's plan, with its defaults, must validate.", body: SaveTemplateBody, status: 201, answer: TemplateDetail, answerText: "The saved template", errors: [400, 404, 409, 422] }),
  getTemplate: operation({ id: "getTemplate", method: "GET", path: "/api/templates/{id}", tag: "templates", summary: "One template", params: TemplateParams, status: 200, answer: TemplateDetail, answerText: "The template", errors: [400, 404] }),
  deleteTemplate: operation({ id: "deleteTemplate", method: "DELETE", path: "/api/templates/{id}", tag: "templates", summary: "Delete a saved template", description: "Built-in templates cannot be deleted (409).", params: TemplateParams, status: 200, answer: Ok, answerText: "Deleted", errors: [400, 404, 409] }),
  instantiateTemplate: operation({ id: "instantiateTemplate", method: "POST", path: "/api/templates/{id}/instantiate", tag: "templates", summary: "Make a plan from a template", description: "Checks each parameter against its JSON Schema (400 `invalid_params` naming them), makes the plan, validates it and stores it (201) — or with `save: false` only returns it (200).", params: TemplateParams, body: InstantiateTemplateBody, bodyOptional: true, status: 201, answer: InstantiatedTemplate, answerText: "The stored plan", alsoAnswers: { 200: "The plan, not stored (save: false)" }, errors: [400, 404] }),
} as const;

export type Operations = typeof OPERATIONS;
export type OperationId = keyof Operations;
