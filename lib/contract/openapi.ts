/**
 * The REST API as an OpenAPI 3.1 document, generated from the operations table and the
 * contract's schemas: nothing in it is written twice. The contract test (tests/api) calls every
 * operation on the built app and checks each answer against this document.
 */
import { z } from "zod";
import { ActionSpec } from "../core/action";
import { Failure, PlanningEvent, RunEvent, Usage } from "../core/events";
import { ValidationIssue } from "../core/issues";
import { Plan, PlanInput } from "../core/plan";
import { RunOptions } from "../core/run-options";
import { MissingInput, PlanResult } from "../planner/request";
import { PlanStreamChunk } from "../planner/stream";
import { Template, TemplateInfo, TemplateParam } from "../templates/template";
import { ApiError, Ok } from "./common";
import { FlowDetail, FlowList } from "./flows";
import type { Permission, TokenScope } from "./access";
import type { Operation } from "./operation";
import { OPERATIONS } from "./operations";
import * as accounts from "./accounts";
import * as plans from "./plans";
import * as runs from "./runs";
import * as memory from "./memory";
import * as templates from "./templates";

/** Every named schema, referenced from the operations as `#/components/schemas/<name>`. */
const NAMED: Record<string, z.ZodType> = {
  ApiError, Ok, Plan, PlanInput, ValidationIssue, ActionSpec, RunOptions, RunEvent, PlanningEvent, Failure, Usage, MissingInput, PlanResult, PlanStreamChunk,
  FlowList, FlowDetail,
  PlannedPlan: plans.PlannedPlan, ParsedInputs: plans.ParsedInputs, ImportedPlan: plans.ImportedPlan, VersionSummary: plans.VersionSummary, VersionDetail: plans.VersionDetail,
  PlanDetail: plans.PlanDetail, SaveResult: plans.SaveResult, VersionList: plans.VersionList, VersionOne: plans.VersionOne, PlanDiff: plans.PlanDiff, DiffResult: plans.DiffResult,
  PlanDeleted: plans.PlanDeleted, RefineResult: plans.RefineResult, PlanListItem: plans.PlanListItem, PlanList: plans.PlanList,
  RunStarted: runs.RunStarted, RunRecord: runs.RunRecord, RunListItem: runs.RunListItem, RunList: runs.RunList, StepRecord: runs.StepRecord, RunDetail: runs.RunDetail,
  StepView: runs.StepView, RunView: runs.RunView, RunPage: runs.RunPage, EventList: runs.EventList,
  Me: accounts.Me, TokenInfo: accounts.TokenInfo, TokenList: accounts.TokenList, CreatedToken: accounts.CreatedToken, MemberList: accounts.MemberList, Member: accounts.Member, Invited: accounts.Invited,
  TemplateParam, Template, TemplateInfo, TemplateList: templates.TemplateList, TemplateDetail: templates.TemplateDetail, InstantiatedTemplate: templates.InstantiatedTemplate,
  MemoryList: memory.MemoryList, MemoryItem: memory.MemoryItem,
};

type JsonObject = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: "A bad request: the body, query or an id is malformed; the message names the problem",
  401: "Accounts are on and the request has no valid session or API token",
  403: "Refused: the caller's role or token scope lacks the operation's permission (x-trellis-permission), or a request that changes something came from another site's page (foreign Origin or Sec-Fetch-Site)",
  404: "Not found",
  409: "A conflict with the current state",
  413: "The body is too large",
  415: "The body is not JSON",
  422: "The plan or the inputs are not valid",
  429: "A per-account limit is reached (x-trellis-limit: planning requests per hour, or runs not yet ended): the error's details name it (`limit`, `max`, `retryAfterSeconds`, `freesAt`), and `Retry-After` says when to try again",
  500: "An unexpected server error",
};

/** The error statuses an operation may answer: its own, plus what the one request reader adds. */
export function errorStatuses(op: Operation): number[] {
  const changes = !["GET", "HEAD", "OPTIONS"].includes(op.method);
  const added = [401, 403, ...(op.body ? [400, 413, 415] : []), ...(changes ? [403, 415] : []), ...(op.params || op.query ? [400] : []), ...(op.limit ? [429] : [])];
  return [...new Set([...op.errors, ...added])].sort((a, b) => a - b);
}

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

function refOrInline(schema: z.ZodType, ids: Map<z.ZodType, string>): JsonObject {
  const id = ids.get(schema);
  return id ? { $ref: `#/components/schemas/${id}` } : toSchema(schema, "output");
}

function answerContent(op: Operation, ids: Map<z.ZodType, string>): JsonObject {
  const content: JsonObject = {};
  if (op.answer) content["application/json"] = { schema: refOrInline(op.answer, ids) };
  if (op.download) content["application/octet-stream"] = { schema: { type: "string", format: "binary" } };
  if (op.sse) {
    content["text/event-stream"] = {
      schema: { type: "string", description: `Server-Sent Events; each event is \`${op.sse.event}\` and its data is one JSON value of the schema in x-event-data.` },
      "x-event-data": refOrInline(op.sse.data, ids),
    };
  }
  if (!Object.keys(content).length) content["application/json"] = { schema: { type: "object" } };
  return content;
}

function operationObject(op: Operation, ids: Map<z.ZodType, string>): JsonObject {
  const parameters: JsonObject[] = [];
  for (const [name, prop] of Object.entries(op.params?.shape ?? {})) {
    const schema = toSchema(prop as z.ZodType, "input");
    parameters.push({ name, in: "path", required: true, description: schema.description, schema: { type: "string" } });
  }
  for (const [name, prop] of Object.entries(op.query?.shape ?? {})) {
    const schema = toSchema(prop as z.ZodType, "input");
    const description = typeof schema.description === "string" ? schema.description : undefined;
    parameters.push({ name, in: "query", required: !(prop as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema });
  }
  for (const [name, description] of Object.entries(op.headers ?? {})) parameters.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  const content = answerContent(op, ids);
  const responses: JsonObject = { [String(op.status)]: { description: op.answerText, content } };
  for (const [status, description] of Object.entries(op.alsoAnswers ?? {})) responses[status] = { description, content };
  for (const status of errorStatuses(op)) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? "An error",
      ...(status === 429 ? { headers: { "Retry-After": { description: "seconds until the limit may let the request through", schema: { type: "integer", minimum: 1 } } } } : {}),
      content: { "application/json": { schema: { $ref: "#/components/schemas/ApiError" } } },
    };
  }
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    "x-trellis-permission": op.permission,
    ...(op.limit ? { "x-trellis-limit": op.limit } : {}),
    security: [{ session: [] }, { token: [PERMISSION_SCOPE[op.permission]] }],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: !op.bodyOptional, content: { "application/json": { schema: toSchema(op.body, "input") } } } } : {}),
    responses,
  };
}

/** The token scope that grants a permission (lib/contract/access SCOPE_PERMISSIONS): the narrowest. */
const PERMISSION_SCOPE: Record<Permission, TokenScope> = { read: "read", edit: "run", run: "run", approve: "approve", account: "admin", admin: "admin" };

let cached: JsonObject | undefined;

/** The whole document; built once (the schemas do not change while a process runs). */
export function openApiDocument(): JsonObject {
  if (cached) return cached;
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  const ids = new Map<z.ZodType, string>(Object.entries(NAMED).map(([id, s]) => [s, id]));
  const { schemas } = z.toJSONSchema(registry, { io: "output", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, JsonObject> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  const paths: Record<string, JsonObject> = {};
  for (const op of Object.values(OPERATIONS) as Operation[]) (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op, ids);
  cached = {
    openapi: "3.1.0",
    // With accounts off (one person on 127.0.0.1) no credentials are needed; with accounts on, every operation needs one of these.
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
      { name: "memory", description: "Remembered plans: what planning starts from, and forgetting one" },
      { name: "accounts", description: "The caller, API tokens and members (with accounts on)" },
      { name: "connections", description: "MCP servers added at run time, with write-only encrypted secrets" },
      { name: "meta", description: "This document" },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "trellis.session_token", description: "A signed-in person's session (the web pages)" },
        token: { type: "http", scheme: "bearer", description: "An API token (`Authorization: Bearer trl_...`), made on the settings page; its scopes (read, run, approve, admin) narrow its person's role" },
      },
    },
  };
  return cached;
}
