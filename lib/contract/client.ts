/**
 * A typed client built from the operations table: the browser and the CLI's remote mode call
 * the API through it. Every answer is parsed with the operation's schema (a parse boundary, not
 * a cast); an error answer becomes an `ApiRequestError` with the server's status, code and message.
 */
import { TrellisError } from "../core/errors";
import { ApiError } from "./common";
import { fillPath, type AnswerOf, type BodyIn, type Operation, type ParamsIn, type QueryIn } from "./operation";
import { OPERATIONS, type OperationId, type Operations } from "./operations";

export class ApiRequestError extends TrellisError {
  static override readonly kind: string = "ApiRequestError";
}

export interface CallOptions<O extends Operation> {
  params?: ParamsIn<O>;
  query?: QueryIn<O>;
  body?: BodyIn<O>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** the server's origin, e.g. http://localhost:3000; empty in the browser (same origin) */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** an API token, sent as `Authorization: Bearer` (scripts and the CLI; pages use their session cookie) */
  token?: string;
}

export interface TrellisApi {
  /** calls an operation and parses its answer */
  call<K extends OperationId>(id: K, options?: CallOptions<Operations[K]>): Promise<AnswerOf<Operations[K]>>;
  /** sends the request and hands back the response as it is (for streams); error answers still throw */
  send<K extends OperationId>(id: K, options?: CallOptions<Operations[K]>): Promise<Response>;
  /** the URL an operation is served at */
  url<K extends OperationId>(id: K, options?: Pick<CallOptions<Operations[K]>, "params" | "query">): string;
}

export function createClient(options: ClientOptions = {}): TrellisApi {
  const base = (options.baseUrl ?? "").replace(/\/+$/, "");
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  const url = (id: OperationId, o: { params?: unknown; query?: unknown } = {}) => {
    const op: Operation = OPERATIONS[id];
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries((o.query ?? {}) as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      q.set(k, v instanceof Date ? v.toISOString() : String(v));
    }
    const path = fillPath(op.path, o.params as Record<string, unknown> | undefined);
    return `${base}${path}${q.size ? `?${q}` : ""}`;
  };

  const send = async (id: OperationId, o: CallOptions<Operation> = {}): Promise<Response> => {
    const op: Operation = OPERATIONS[id];
    let res: Response;
    try {
      res = await doFetch(url(id, o), {
        method: op.method,
        headers: { ...(o.body !== undefined ? { "content-type": "application/json" } : {}), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...o.headers },
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: o.signal,
      });
    } catch (err) {
      if (o.signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new ApiRequestError(0, "network", `Trellis could not reach the server${base ? ` at ${base}` : ""} (${why}).`, { cause: why });
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  };

  const call = async (id: OperationId, o: CallOptions<Operation> = {}): Promise<unknown> => {
    const op: Operation = OPERATIONS[id];
    const res = await send(id, o);
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiRequestError(res.status, "bad_response", `${op.method} ${op.path}: the server answered with something that is not JSON (HTTP ${res.status}).`);
    }
    if (!op.answer) return body;
    const parsed = op.answer.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiRequestError(res.status, "bad_response", `${op.method} ${op.path}: the server's answer does not match the API contract: ${issue?.path.join(".")} ${issue?.message}`);
    }
    return parsed.data;
  };

  return { call, send, url } as TrellisApi;
}

/** The error answer of a response that is not ok. */
export async function errorFrom(res: Response): Promise<ApiRequestError> {
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ApiError.safeParse(body);
  if (parsed.success) return new ApiRequestError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  return new ApiRequestError(res.status, "http_error", `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${text ? `: ${text.slice(0, 200)}` : ""}`);
}
