/** What one API operation is: its route, what it reads, what it answers and which errors it may give. */
import type { z } from "zod";
import type { Permission } from "./access";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** A per-account limit an operation counts against (lib/server/limits): planning requests per hour, or runs not yet ended. Over it: 429. */
export type Limit = "planning" | "runs";

export interface Operation {
  /** the operationId, and the key in OPERATIONS */
  id: string;
  method: Method;
  /** what the caller must be allowed (lib/contract/access): with accounts on, 401 without a session or token, 403 without this */
  permission: Permission;
  /** the per-account limit it counts against; adds a 429 (with Retry-After) to its errors */
  limit?: Limit;
  /** `{name}` for path parameters */
  path: string;
  tag: "flows" | "plans" | "runs" | "templates" | "memory" | "accounts" | "connections" | "meta";
  summary: string;
  description?: string;
  /** one schema per path parameter, each with a description */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** request headers it reads, with what they mean */
  headers?: Record<string, string>;
  body?: z.ZodType;
  /** the body may be left out (it reads as {}) */
  bodyOptional?: boolean;
  /** the largest body it reads, when more than the usual 1 MB (413 past it) */
  maxBodyBytes?: number;
  /** the status of a success, and what it answers */
  status: number;
  answer?: z.ZodType;
  answerText: string;
  /** other success statuses that answer the same schema, with what they mean */
  alsoAnswers?: Record<number, string>;
  /** the answer is a file to save (application/octet-stream), not JSON */
  download?: boolean;
  /** an answer as Server-Sent Events: each message's event name and data schema */
  sse?: { event: string; data: z.ZodType };
  /** error statuses it answers with an ApiError (a JSON body adds 400, 413, 415) */
  errors: number[];
}

type Schema<T> = T extends z.ZodType ? T : never;

/** The typed parts of an operation, for the route wrapper and the client. */
export type ParamsOf<O extends Operation> = O["params"] extends z.ZodType ? z.output<Schema<O["params"]>> : Record<string, never>;
export type QueryOf<O extends Operation> = O["query"] extends z.ZodType ? z.output<Schema<O["query"]>> : Record<string, never>;
export type BodyOf<O extends Operation> = O["body"] extends z.ZodType ? z.output<Schema<O["body"]>> : undefined;
export type AnswerOf<O extends Operation> = O["answer"] extends z.ZodType ? z.output<Schema<O["answer"]>> : unknown;
/** what a caller sends: schemas' inputs (defaults may be left out) */
export type ParamsIn<O extends Operation> = O["params"] extends z.ZodType ? z.input<Schema<O["params"]>> : undefined;
export type QueryIn<O extends Operation> = O["query"] extends z.ZodType ? z.input<Schema<O["query"]>> : undefined;
export type BodyIn<O extends Operation> = O["body"] extends z.ZodType ? z.input<Schema<O["body"]>> : undefined;

/** Declares an operation, keeping its exact type. */
export const operation = <const O extends Operation>(o: O): O => o;

/** `/api/plans/{id}` with `{ id: "x y" }` → `/api/plans/x%20y` */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null || v === "") throw new Error(`${path}: the path parameter "${name}" is missing`);
    return encodeURIComponent(String(v));
  });
}
