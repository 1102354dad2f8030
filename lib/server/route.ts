/**
 * The one wrapper between the contract and lib/: `route(op, fn)` makes a route handler and
 * `action(op, fn)` a server action. Both check who is asking against the operation's permission
 * (401 without a session or token when accounts are on, 403 without the permission), parse the path parameters, query and body with the
 * operation's schemas, call one lib function, check its answer against the operation's answer
 * schema (development and tests) and map errors in one place (lib/contract errorAnswer). An
 * operation that declares a `limit` is counted against the caller's account first (429 over it).
 */
import type { z } from "zod";
import { RequestError, badRequest } from "../core/errors";
import { readLimited } from "../core/read-limited";
import { describeIssues, errorAnswer } from "../contract/errors";
import { findUnsafeValue } from "../contract/hygiene";
import type { AnswerOf, BodyOf, Operation, ParamsOf, QueryOf } from "../contract/operation";
import { classifyStorageError } from "../store/errors";
import { actingAs } from "../store/acting";
import type { Actor } from "../contract/access";
import { authorize, authorizeAction } from "./auth/access";
import { config } from "./env";
import { enforceLimit, retryAfterOf } from "./limits";
import { serverLog } from "./log";
import { redactSecrets } from "./connections/redaction";

export interface Input<O extends Operation> {
  params: ParamsOf<O>;
  query: QueryOf<O>;
  body: BodyOf<O>;
  request: Request;
  /** who asks: "local" with accounts off, else a person (through a session or an API token) */
  actor: Actor;
}

/** An answer with a status other than the operation's usual one, or with headers. */
export class Reply<T> {
  constructor(readonly status: number, readonly value: T, readonly headers: Record<string, string> = {}) {}
}
export const reply = <T>(status: number, value: T, headers: Record<string, string> = {}) => new Reply(status, value, headers);

type Handler<O extends Operation> = (input: Input<O>) => Promise<AnswerOf<O> | Reply<AnswerOf<O>> | Response>;
type RouteContext = { params?: Promise<Record<string, string | string[] | undefined>> };

export function route<O extends Operation>(op: O, fn: Handler<O>): (request: Request, context?: RouteContext) => Promise<Response> {
  const handle = async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      refuseCrossSite(request, op);
      const actor = await authorize(request.headers, op.permission);
      const params = parse(op.params, context?.params ? await context.params : {}, "path");
      const query = parse(op.query, Object.fromEntries(new URL(request.url).searchParams), "query");
      const body = op.body ? await readBody(request, op.body, { allowEmpty: Boolean(op.bodyOptional), maxBytes: op.maxBodyBytes ?? MAX_BODY_BYTES }) : undefined;
      await enforceLimit(op.limit, actor);
      const out = await actingAs(actor.label, () => fn({ params, query, body, request, actor } as Input<O>));
      if (out instanceof Response) return out;
      const { status, value, headers } = out instanceof Reply ? out : new Reply(op.status, out);
      // No answer repeats a secret value (a connection's, or the MCP config file's).
      const text = JSON.stringify(redactSecrets(value));
      checkAnswer(op, text);
      return new Response(text, { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
    } catch (err) {
      return errorResponse(err, `${op.method} ${op.path}`);
    }
  };
  return async (request, context) => {
    const t0 = performance.now();
    const response = await handle(request, context);
    serverLog().debug(`${op.method} ${new URL(request.url).pathname} ${response.status} in ${Math.round(performance.now() - t0)} ms`);
    return response;
  };
}

/** What a server action answers: its value, or the error a form can show. */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; status: number; code: string; error: string; details?: unknown };

/**
 * A server action for an operation: the same parsing, lib function and error mapping as its
 * route, answered as an `ActionResult` instead of HTTP.
 */
export function action<O extends Operation>(op: O, fn: (input: Omit<Input<O>, "request">) => Promise<AnswerOf<O>>) {
  return async (input: { params?: unknown; query?: unknown; body?: unknown }): Promise<ActionResult<AnswerOf<O>>> => {
    try {
      const actor = await authorizeAction(op.permission);
      const params = parse(op.params, input.params ?? {}, "path");
      const query = parse(op.query, input.query ?? {}, "query");
      const body = op.body ? parseBody(op.body, input.body === undefined && op.bodyOptional ? {} : input.body) : undefined;
      await enforceLimit(op.limit, actor);
      const value = await actingAs(actor.label, () => fn({ params, query, body, actor } as Omit<Input<O>, "request">));
      const redacted = redactSecrets(value);
      checkAnswer(op, JSON.stringify(redacted));
      return { ok: true, value: redacted };
    } catch (err) {
      const { status, body, unexpected } = answerFor(err);
      if (unexpected) serverLog().error(`${op.id} failed`, err);
      return { ok: false, status, code: body.error.code, error: body.error.message, ...(body.error.details !== undefined ? { details: body.error.details } : {}) };
    }
  };
}

/** An error as the API's JSON answer; unexpected ones are logged, never shown. */
export function errorResponse(err: unknown, where = "request"): Response {
  const { status, body, unexpected } = answerFor(err);
  if (unexpected) serverLog().error(`${where} failed`, err);
  const retryAfter = retryAfterOf(err);
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...(retryAfter ? { "retry-after": String(retryAfter) } : {}) } });
}

/**
 * The error answer, with storage failures a person can act on told apart from bugs: a value
 * the database cannot store is the request's fault (400), a write that lost a race is a
 * conflict (409). Anything else stays an unexpected 500.
 */
export function answerFor(err: unknown) {
  const storage = classifyStorageError(err);
  if (storage?.kind === "invalid_value" || storage?.kind === "value_too_long" || storage?.kind === "value_out_of_range") {
    return errorAnswer(new RequestError(400, "unstorable_value", "The request holds a value Trellis cannot store (such as a NUL character in text, or a number or date out of range).", { kind: storage.kind }));
  }
  if (storage?.kind === "unique_violation" || storage?.kind === "serialization_failure" || storage?.kind === "deadlock") {
    return errorAnswer(new RequestError(409, "conflict", "Another change was saved at the same moment; try again.", { kind: storage.kind }));
  }
  return errorAnswer(err);
}

/** Refuses what no schema should have to read: NUL, lone surrogates, nesting past the limit. */
function refuseUnsafe(raw: unknown, what: "path" | "query" | "body"): void {
  const unsafe = findUnsafeValue(raw);
  if (unsafe) throw badRequest(`The ${what === "path" ? "path" : what} is not valid: ${unsafe.path === "(value)" ? what : unsafe.path} ${unsafe.problem}.`, { issues: [{ path: unsafe.path, message: unsafe.problem }] });
}

function parse(schema: z.ZodType | undefined, raw: unknown, what: "path" | "query"): unknown {
  refuseUnsafe(raw, what);
  if (!schema) return {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(`Invalid ${what === "path" ? "path" : "query"}: ${describeIssues(parsed.error.issues, what)}`, parsed.error.issues);
  return parsed.data;
}

function parseBody(schema: z.ZodType, raw: unknown): unknown {
  refuseUnsafe(raw, "body");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
    throw badRequest(`The body is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
  }
  return parsed.data;
}

const MAX_BODY_BYTES = 1_000_000;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A request that changes something must come from this server's own pages or from a client
 * that is not a browser (the CLI, a script). A page on another site can make a browser send a
 * "simple" POST without asking first (a form, or fetch with a text/plain or no body): those
 * carry a foreign `Origin` or `Sec-Fetch-Site`, or a content type other than JSON, and are
 * refused here. Server actions have the framework's own origin check.
 */
export function refuseCrossSite(request: Request, op: Pick<Operation, "method">): void {
  if (SAFE_METHODS.has(op.method)) return;
  requireJsonType(request);
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  const host = request.headers.get("host") ?? new URL(request.url).host;
  let foreign = site === "cross-site" || site === "same-site";
  if (!foreign && origin !== null) {
    try {
      foreign = origin === "null" || new URL(origin).host.toLowerCase() !== host.toLowerCase();
    } catch {
      foreign = true;
    }
  }
  if (foreign) throw new RequestError(403, "cross_origin", "Requests that change something are accepted only from Trellis's own pages or from clients that are not browsers.");
}

/**
 * Reads and validates a JSON body: JSON only (415 otherwise), at most 1 MB unless the operation says more (413), checked
 * with the schema (400 naming each wrong field). An empty body reads as `{}` when allowed.
 */
async function readBody(req: Request, schema: z.ZodType, options: { allowEmpty: boolean; maxBytes: number }): Promise<unknown> {
  requireJsonType(req);
  const text = await readText(req, options.maxBytes);
  let raw: unknown = {};
  if (!text.trim()) {
    if (!options.allowEmpty) throw badRequest("The request body is empty; send a JSON object.");
  } else {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new RequestError(400, "invalid_json", `The body is not valid JSON: ${(e as Error).message}`);
    }
  }
  return parseBody(schema, raw);
}

/** 415 unless the request declares no content type or a JSON one (`application/json`, `application/…+json`). */
function requireJsonType(request: Request): void {
  const type = request.headers.get("content-type");
  if (type && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim())) {
    throw new RequestError(415, "unsupported_media_type", `Send the body as JSON (content-type: application/json), not ${type.split(";")[0]}.`);
  }
}

const tooLarge = (max: number) => new RequestError(413, "too_large", `The body is larger than ${Math.round(max / 100_000) / 10} MB.`);

/**
 * The body as text, at most `max` bytes: counted while it streams in, so a huge body is refused
 * after its first megabyte instead of after all of it is in memory. Bytes that are not UTF-8 are a 400.
 */
async function readText(req: Request, max: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  const read = await readLimited(req.body, max);
  if (!read.ok) throw tooLarge(max);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
  } catch {
    throw new RequestError(400, "invalid_encoding", "The body is not valid UTF-8 text.");
  }
}

/** In development and tests, an answer that does not fit the contract is a bug: fail loudly. */
function checkAnswer(op: Operation, text: string): void {
  if (!op.answer || !config().checkAnswers) return;
  const parsed = op.answer.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${op.id}: the answer does not fit the contract: ${describeIssues(parsed.error.issues, "answer")}`);
}
