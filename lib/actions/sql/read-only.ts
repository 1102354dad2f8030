/**
 * Running SQL so that it cannot change the sample database, and reporting Postgres
 * errors as ActionErrors that keep the Postgres message and where in the SQL it was.
 */
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { ActionError } from "@/lib/core/action";

/**
 * Run `fn` inside `BEGIN; SET TRANSACTION READ ONLY; … ROLLBACK`. Postgres itself then
 * refuses INSERT/UPDATE/DELETE/DDL, and the rollback discards anything else (SET, …).
 */
export async function inReadOnlyTransaction<T>(db: PGlite, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    try {
      await tx.query("SET TRANSACTION READ ONLY");
      return await fn(tx);
    } finally {
      // always roll back, even on success: PGlite would COMMIT a callback that returns
      if (!tx.closed) await tx.rollback();
    }
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
