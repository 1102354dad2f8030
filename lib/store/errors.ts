/**
 * Storage errors, classified in one place for both databases. The same failure reaches
 * Trellis in several shapes: Prisma's known-request errors (P2002, P2003, …) on PostgreSQL,
 * the embedded database's adapter errors that carry only the SQLSTATE (`cause.code === "23505"`),
 * the PostgreSQL adapter's error kinds (`UniqueConstraintViolation`, …), and raw driver errors
 * from pg or PGlite when SQL is run directly. `classifyStorageError` walks the error and its
 * causes and answers one kind, so callers never look at codes themselves.
 */

export type StorageErrorKind =
  /** a row with this key (or unique value) already exists */
  | "unique_violation"
  /** the row refers to one that does not exist (or is still referred to) */
  | "foreign_key_violation"
  /** a required column was given no value */
  | "not_null_violation"
  /** a CHECK constraint refused the row */
  | "check_violation"
  /** a value is longer than its column allows */
  | "value_too_long"
  /** a number or date outside its type's range */
  | "value_out_of_range"
  /** a value the database cannot store as given: a NUL byte in text, malformed text for its type */
  | "invalid_value"
  /** a concurrent transaction conflicted with this one; retrying may succeed */
  | "serialization_failure"
  /** two transactions waited on each other; one was aborted; retrying may succeed */
  | "deadlock";

export interface StorageErrorInfo {
  kind: StorageErrorKind;
  /** the SQLSTATE, when the driver gave it */
  sqlState?: string;
  /** Prisma's error code, when Prisma classified the error */
  prismaCode?: string;
  /** the columns concerned, when known */
  fields?: string[];
  /** the constraint's name, when known */
  constraint?: string;
  /** whether running the transaction again may succeed */
  retryable: boolean;
  /** the database's own message */
  message: string;
}

/** SQLSTATE codes (PostgreSQL appendix A) Trellis tells apart. */
const SQLSTATE: Record<string, StorageErrorKind> = {
  "23505": "unique_violation",
  "23503": "foreign_key_violation",
  "23502": "not_null_violation",
  "23514": "check_violation",
  "22001": "value_too_long",
  "22003": "value_out_of_range",
  "22008": "value_out_of_range",
  "22P02": "invalid_value", // invalid text representation
  "22021": "invalid_value", // invalid byte sequence for the encoding (a NUL byte in text)
  "22P05": "invalid_value", // untranslatable character (\u0000 in jsonb)
  "22007": "invalid_value", // invalid datetime format
  "22023": "invalid_value", // invalid parameter value
  "40001": "serialization_failure",
  "40P01": "deadlock",
};

/** Prisma's query-engine codes (https://www.prisma.io/docs/orm/reference/error-reference). */
const PRISMA: Record<string, StorageErrorKind> = {
  P2002: "unique_violation",
  P2003: "foreign_key_violation",
  P2011: "not_null_violation",
  P2004: "check_violation",
  P2000: "value_too_long",
  P2020: "value_out_of_range",
  P2023: "invalid_value",
  P2034: "serialization_failure",
};

/** The PostgreSQL driver adapter's error kinds (`DriverAdapterError.cause.kind`). */
const ADAPTER_KIND: Record<string, StorageErrorKind> = {
  UniqueConstraintViolation: "unique_violation",
  ForeignKeyConstraintViolation: "foreign_key_violation",
  NullConstraintViolation: "not_null_violation",
  LengthMismatch: "value_too_long",
  ValueOutOfRange: "value_out_of_range",
  TransactionWriteConflict: "serialization_failure",
};

const RETRYABLE = new Set<StorageErrorKind>(["serialization_failure", "deadlock"]);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null;
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/** The error, its causes, Prisma's wrapped adapter error and an AggregateError's errors, breadth first. */
function* walk(err: unknown): Generator<Node> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 32) {
    const node = queue.shift();
    if (!isNode(node) || seen.has(node)) continue;
    seen.add(node);
    yield node;
    queue.push(node.cause);
    if (isNode(node.meta)) queue.push(node.meta.driverAdapterError, node.meta.cause);
    if (Array.isArray(node.errors)) queue.push(...node.errors);
  }
}

/** "Key (plan_id, number)=(…) already exists." → ["plan_id", "number"] */
function fieldsFromDetail(detail: unknown): string[] | undefined {
  const inner = str(detail)?.match(/Key \(([^)]+)\)/)?.[1];
  return inner ? inner.split(",").map((s) => s.trim().replace(/^"|"$/g, "")) : undefined;
}

function fieldsOf(node: Node): string[] | undefined {
  const target = isNode(node.meta) ? node.meta.target : undefined;
  if (Array.isArray(target) && target.every((t) => typeof t === "string")) return target as string[];
  const constraint = node.constraint;
  if (isNode(constraint) && Array.isArray(constraint.fields)) return constraint.fields.filter((f): f is string => typeof f === "string");
  const fromDetail = fieldsFromDetail(node.detail);
  if (fromDetail) return fromDetail;
  const column = str(node.column);
  return column ? [column] : undefined;
}

function constraintOf(node: Node): string | undefined {
  if (str(node.constraint)) return node.constraint as string;
  if (isNode(node.constraint) && str(node.constraint.index)) return node.constraint.index as string;
  if (isNode(node.meta) && str(node.meta.constraint)) return node.meta.constraint as string;
  return (str(node.originalMessage) ?? str(node.message))?.match(/constraint "([^"]+)"/)?.[1];
}

/**
 * What kind of storage failure `err` is, or null when it is none Trellis tells apart (a
 * connection failure, a bug, an error that is not the database's at all).
 */
export function classifyStorageError(err: unknown): StorageErrorInfo | null {
  let kind: StorageErrorKind | undefined;
  let sqlState: string | undefined;
  let prismaCode: string | undefined;
  let fields: string[] | undefined;
  let constraint: string | undefined;
  let message: string | undefined;
  for (const node of walk(err)) {
    const code = str(node.code);
    const originalCode = str(node.originalCode);
    let found: StorageErrorKind | undefined;
    if (code && /^P\d{4}$/.test(code) && PRISMA[code]) {
      found = PRISMA[code];
      prismaCode ??= code;
    }
    for (const state of [code, originalCode]) {
      if (state && SQLSTATE[state]) {
        found ??= SQLSTATE[state];
        sqlState ??= state;
        message ??= str(node.originalMessage) ?? str(node.message);
      }
    }
    found ??= str(node.kind) ? ADAPTER_KIND[node.kind as string] : undefined;
    if (!found) continue;
    kind ??= found;
    fields ??= fieldsOf(node);
    constraint ??= constraintOf(node);
  }
  if (!kind) return null;
  return {
    kind,
    ...(sqlState ? { sqlState } : {}),
    ...(prismaCode ? { prismaCode } : {}),
    ...(fields?.length ? { fields } : {}),
    ...(constraint ? { constraint } : {}),
    retryable: RETRYABLE.has(kind),
    message: message ?? (err instanceof Error ? err.message.trim() : String(err)),
  };
}

/** Whether `err` is a storage failure of one of the given kinds. */
export function isStorageError(err: unknown, ...kinds: StorageErrorKind[]): boolean {
  const info = classifyStorageError(err);
  return info !== null && (kinds.length === 0 || kinds.includes(info.kind));
}
