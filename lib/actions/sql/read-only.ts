/**
 * Running SQL so that it cannot change the sample database, and reporting Postgres
 * errors as ActionErrors that keep the Postgres message and where in the SQL it was.
 */
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { ActionError } from "@/lib/core/action";

/** Temporary-file space one statement may use: sorts and hashes of the sample shop need none. */
export const DEFAULT_TEMP_FILE_LIMIT_KB = 64 * 1024;

export interface QueryLimits {
  /**
   * performance.now() by which the work must be done; what is left of it when the
   * transaction starts becomes `SET LOCAL statement_timeout`. Real Postgres enforces
   * it; PGlite accepts it and never fires it (no timer signals inside WASM).
   */
  deadline?: number;
  /** `SET LOCAL temp_file_limit`, in kB; enforced by PGlite too (it counts bytes, not time) */
  tempFileLimitKb?: number;
  /** abort: the caller is answered at once, and no further statement starts */
  signal?: AbortSignal;
}

/**
 * Run `fn` inside `BEGIN; SET TRANSACTION READ ONLY; … ROLLBACK`. Postgres itself then
 * refuses INSERT/UPDATE/DELETE/DDL, and the rollback discards anything else (SET, …).
 */
export async function inReadOnlyTransaction<T>(db: PGlite, fn: (tx: Transaction) => Promise<T>, limits: QueryLimits = {}): Promise<T> {
  limits.signal?.throwIfAborted();
  const work = db.transaction(async (tx) => {
    try {
      // the transaction may have waited for the database behind other work
      limits.signal?.throwIfAborted();
      await tx.query("SET TRANSACTION READ ONLY");
      await tx.query(`SET LOCAL temp_file_limit = ${Math.max(1, Math.floor(limits.tempFileLimitKb ?? DEFAULT_TEMP_FILE_LIMIT_KB))}`);
      if (limits.deadline !== undefined) {
        await tx.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(limits.deadline - performance.now()))}`);
      }
      return await fn(tx);
    } finally {
      // always roll back, even on success: PGlite would COMMIT a callback that returns
      if (!tx.closed) await tx.rollback();
    }
  });
  return untilAborted(work, limits.signal);
}

/**
 * `work`, or the abort reason as soon as `signal` aborts. The work itself goes on to
 * its next check of the signal (it cannot be stopped inside a running statement).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined); // its own rejection is no longer anyone's to handle
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

interface PgErrorFields {
  message: string;
  code?: string;
  position?: string;
  hint?: string;
  detail?: string;
  severity?: string;
}

export function isPgError(error: unknown): error is Error & PgErrorFields {
  return error instanceof Error && typeof (error as { severity?: unknown }).severity === "string" && "code" in error;
}

/** Position of a Postgres error inside the caller's SQL (1-based), given the prefix we added. */
export function errorPosition(error: PgErrorFields, prefixLength = 0): number | undefined {
  const raw = Number(error.position);
  if (!Number.isInteger(raw) || raw < 1) return undefined;
  const pos = raw - prefixLength;
  return pos >= 1 ? pos : undefined;
}

/** A one-line description of a Postgres error with its place in `sql`. */
export function describePgError(error: PgErrorFields, sql: string, prefixLength = 0): string {
  const pos = errorPosition(error, prefixLength);
  let text = error.message;
  if (pos !== undefined) {
    const line = sql.slice(0, pos - 1).split("\n").length;
    const near = sql.slice(pos - 1, pos + 39).split("\n")[0];
    text += ` (at character ${pos}, line ${line}, near "${near}")`;
  }
  if (error.detail) text += ` Detail: ${error.detail}`;
  if (error.hint) text += ` Hint: ${error.hint}`;
  return text;
}

/** Map anything a query threw to an ActionError; Postgres errors keep their message and position. */
export function toSqlActionError(error: unknown, sql: string, prefixLength = 0): unknown {
  if (error instanceof ActionError || !isPgError(error)) return error;
  const position = errorPosition(error, prefixLength);
  const details = { sqlState: error.code, position, hint: error.hint, detail: error.detail };
  if (error.code === "57014") {
    return new ActionError("query_timeout", `Refused: the query ran past its time limit and was cancelled. Postgres said: ${error.message}`, { details, cause: error });
  }
  if (error.code === "53400" && /temp_file_limit/.test(error.message)) {
    return new ActionError(
      "query_too_expensive",
      `Refused: the query needed more temporary space than allowed and was stopped (a runaway join or recursion?). Postgres said: ${error.message}`,
      { details, cause: error },
    );
  }
  const readOnly = error.code === "25006" || /data-modifying statements/.test(error.message);
  if (readOnly) {
    return new ActionError(
      "read_only_violation",
      `Refused: this SQL would change the database, and queries here run read-only. Postgres said: ${error.message}`,
      { details, cause: error },
    );
  }
  const code = error.code === "42601" ? "sql_syntax_error" : "sql_error";
  return new ActionError(code, `Postgres error: ${describePgError(error, sql, prefixLength)}`, { details, cause: error });
}
