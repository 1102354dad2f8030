/**
 * A small lexical look at one SQL text: where it really ends (outside strings,
 * quoted names, comments and dollar quotes) and what its first keyword is. This is
 * not a parser; Postgres stays the judge of what the statement does. It exists to
 * refuse `SELECT 1; DELETE …` with a clear message before anything runs, and to know
 * which statements can run behind a cursor or an EXPLAIN.
 */
import { ActionError } from "@/lib/core/action";

export interface Statement {
  /** the text as given, trailing `;` and whitespace removed (positions stay valid) */
  text: string;
  /** first keyword, upper case ("SELECT", "WITH", "DELETE", …); "" when none */
  keyword: string;
}

/** Statements that can be DECLAREd as a cursor and EXPLAINed. */
const QUERY_KEYWORDS = new Set(["SELECT", "WITH", "VALUES", "TABLE"]);
/** Ending or nesting the transaction would let later work escape READ ONLY. */
const TRANSACTION_KEYWORDS = new Set(["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "PREPARE"]);

export function isQueryKeyword(keyword: string): boolean {
  return QUERY_KEYWORDS.has(keyword);
}

/** Split on top-level semicolons; returns the non-empty statements. */
export function splitStatements(sql: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? n : end + 1;
    } else if (c === "/" && next === "*") {
      // block comments nest in Postgres
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === "/" && sql[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (sql[i] === "*" && sql[i + 1] === "/") {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || c === '"') {
      // E'…' strings allow backslash escapes, so \' does not end them
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? "") && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? "");
      i++;
      while (i < n) {
        if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else if (escapes && sql[i] === "\\") i += 2;
        else i++;
      }
      i++;
    } else if (c === "$") {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else i++;
    } else if (c === ";") {
      parts.push(sql.slice(start, i));
      start = ++i;
    } else i++;
  }
  parts.push(sql.slice(start));
  return parts.filter((p) => stripComments(p).trim() !== "");
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ");
}

export function firstKeyword(sql: string): string {
  const m = /^[\s(]*([A-Za-z]+)/.exec(stripComments(sql));
  return m ? m[1].toUpperCase() : "";
}

/**
 * Check that `sql` is exactly one statement that does not touch transaction control.
 * Throws an ActionError a planner or person can act on.
 */
export function singleStatement(sql: string): Statement {
  const parts = splitStatements(sql);
  if (parts.length === 0) throw new ActionError("empty_query", "The SQL text is empty: give one SELECT query.");
  if (parts.length > 1) {
    throw new ActionError(
      "multiple_statements",
      `Only one SQL statement can run at a time, got ${parts.length}. Remove the extra statements (everything after the first ';').`,
      { details: { statements: parts.map((p) => p.trim()) } },
    );
  }
  const text = sql.replace(/[\s;]+$/, "");
  const keyword = firstKeyword(text);
  if (TRANSACTION_KEYWORDS.has(keyword)) {
    throw new ActionError(
      "transaction_control_refused",
      `${keyword} is not allowed: queries here always run inside a read-only transaction that is rolled back.`,
    );
  }
  return { text, keyword };
}

/**
 * PGlite cannot interrupt a running statement (no statement_timeout there), so
 * statements that wait on purpose are refused before they run.
 */
export function refuseUninterruptible(stmt: Statement): void {
  if (/\bpg_sleep/i.test(stmt.text)) {
    throw new ActionError("query_refused", "pg_sleep is not allowed: a running statement cannot be interrupted here.");
  }
}
