/**
 * The one decider of what SQL may reach the sample database. The text is parsed by
 * the PostgreSQL parser itself (libpg-query: Postgres 18's grammar compiled to WASM,
 * the same grammar as the embedded database), so comments, dollar quotes, nested
 * parentheses and odd spacing cannot hide a keyword the way they hide it from a
 * lexical look.
 *
 * Allowed: exactly one statement that is
 *   - a SELECT (VALUES and TABLE are SELECTs to the parser), or WITH … SELECT whose
 *     every CTE is a SELECT, or
 *   - EXPLAIN [ANALYZE] of such a statement.
 * Refused, anywhere in the tree (subqueries, CTEs, the EXPLAINed statement):
 *   - any other statement (COPY, DO, CALL, SET, SHOW, transaction control, writes, DDL …),
 *     several statements, and data-modifying CTEs (`WITH d AS (DELETE …) SELECT`);
 *   - SELECT … INTO (creates a table) and FOR UPDATE/SHARE (row locks);
 *   - WITH RECURSIVE while the database cannot interrupt a running statement (the
 *     embedded one cannot: a recursion that never ends would hold the server's thread);
 *   - calls to the functions in DENIED_FUNCTIONS (sleeping, files, dynamic SQL,
 *     settings, sequences, locks, server administration).
 * Text that does not parse is refused with the parser's message and position.
 *
 * What it lets through still runs read-only, behind a cursor, a cost ceiling and
 * resource limits (run-query.ts, read-only.ts): the gate decides, those contain.
 */
import { hasSqlDetails, loadModule, parseSync, scanSync, type ParseResult } from "libpg-query";
import { ActionError } from "@/lib/core/action";
import { describePgError } from "./read-only";

/** Longer text is refused before parsing (a real question is a few kB; this keeps parsing in milliseconds). */
export const MAX_SQL_CHARS = 100_000;

const ONLY = "only SELECT, WITH … SELECT and EXPLAIN run against the database";

/**
 * Functions a query may not call, matched on the function name in any schema
 * (`name*` matches a prefix). Each group says why, and the refusal quotes it.
 */
export const DENIED_FUNCTIONS: ReadonlyArray<{ names: readonly string[]; why: string }> = [
  { names: ["pg_sleep*"], why: "it waits on purpose, and a running query cannot be interrupted here" },
  {
    names: ["pg_read_*", "pg_ls_*", "pg_stat_file", "pg_file_*", "pg_logdir_ls", "lo_*", "loread", "lowrite"],
    why: "it reads or writes server files or large objects",
  },
  {
    names: ["query_to_xml*", "cursor_to_xml*", "ts_stat", "ts_rewrite"],
    why: "it runs SQL given as text, which is not checked",
  },
  { names: ["dblink*"], why: "it connects to another database" },
  { names: ["set_config"], why: "it changes settings, including this query's limits" },
  {
    names: ["nextval", "setval", "txid_current*", "pg_current_xact_id*", "pg_notify"],
    why: "it has effects outside the query (sequences, transaction ids, notifications)",
  },
  { names: ["pg_advisory_*", "pg_try_advisory_*"], why: "it takes locks" },
  {
    names: [
      "pg_terminate_backend",
      "pg_cancel_backend",
      "pg_signal_backend",
      "pg_reload_conf",
      "pg_rotate_logfile",
      "pg_logfile_rotate",
      "pg_promote",
      "pg_switch_wal",
      "pg_backup_*",
      "pg_create_*",
      "pg_drop_replication_slot",
      "pg_copy_*",
      "pg_replication_*",
      "pg_logical_*",
      "pg_sync_replication_slots",
      "pg_wal_replay_*",
      "pg_stat_reset*",
      "pg_log_backend_memory_contexts",
      "pg_import_system_collations",
      "pg_restore_*",
      "pg_clear_*",
      "binary_upgrade_*",
    ],
    why: "it administers the database server",
  },
];

const deniedPatterns = DENIED_FUNCTIONS.flatMap(({ names, why }) =>
  names.map((name) => ({ why, matches: name.endsWith("*") ? (f: string) => f.startsWith(name.slice(0, -1)) : (f: string) => f === name })),
);

/** Why a function may not be called, or undefined when it may. */
export function deniedFunction(name: string): string | undefined {
  const lower = name.toLowerCase();
  return deniedPatterns.find((p) => p.matches(lower))?.why;
}

/** Which rule refused the text; ActionError.details.rule. */
export type GateRule =
  | "empty"
  | "too_long"
  | "syntax"
  | "multiple_statements"
  | "statement"
  | "transaction_control"
  | "explain"
  | "data_modifying_cte"
  | "select_into"
  | "row_locks"
  | "recursive"
  | "function";

export interface GatedText {
  /** the SQL, without what surrounds the statement (comments, whitespace, `;`) */
  text: string;
  /** characters of the caller's SQL in front of `text`: add it to a position in `text` */
  offset: number;
}

export interface GatedSql extends GatedText {
  kind: "select" | "explain";
  /** the SELECT: the statement itself, or the one under EXPLAIN */
  query: GatedText;
  /** EXPLAIN ANALYZE: the query is executed, so it gets the same cost ceiling as a SELECT */
  analyze: boolean;
}

export interface GateOptions {
  /**
   * true when the database enforces statement_timeout. The embedded one does not, so
   * constructs whose running time nothing bounds (WITH RECURSIVE) are refused there.
   */
  interruptible?: boolean;
}

/** Parse `sql` and allow it, or throw the ActionError that says what was found and why it may not run. */
export async function gateSql(sql: string, options: GateOptions = {}): Promise<GatedSql> {
  if (sql.length > MAX_SQL_CHARS) {
    refuse("sql_too_long", "too_long", `The SQL text is ${sql.length} characters long; at most ${MAX_SQL_CHARS} are accepted.`);
  }
  const nul = sql.indexOf("\0");
  if (nul !== -1) {
    refuse("sql_syntax_error", "syntax", `The SQL text contains a NUL character (at character ${nul + 1}), which Postgres does not accept.`, {
      sqlState: "42601",
      position: nul + 1,
    });
  }
  await loadModule();
  const source = new Utf8Text(sql);
  const stmts = parse(source).stmts ?? [];
  if (stmts.length === 0) refuse("empty_query", "empty", "The SQL text is empty: give one SELECT query.");
  const pieces = stmts.map((raw) => {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : source.byteLength;
    return { node: unwrap(raw.stmt), start, end, text: source.slice(start, end).trim() };
  });
  if (pieces.length > 1) {
    const names = pieces.map((p) => statementName(p.node, p.text));
    refuse(
      "multiple_statements",
      "multiple_statements",
      `Only one SQL statement can run at a time, got ${pieces.length} (${names.join(", ")}). Remove the extra statements (everything after the first ';').`,
      { statements: pieces.map((p) => p.text) },
    );
  }
  const [{ node, start, end }] = pieces;
  const statement = source.gated(start, end);

  if (node.type === "SelectStmt") {
    checkTree(node.body, source, options);
    return { kind: "select", ...statement, query: statement, analyze: false };
  }
  if (node.type === "ExplainStmt") {
    const explain = node.body as { query?: unknown; options?: Array<{ DefElem?: { defname?: string } }> };
    const inner = unwrap(explain.query);
    const analyze = (explain.options ?? []).some((o) => o.DefElem?.defname === "analyze");
    if (inner.type !== "SelectStmt") {
      const found = `EXPLAIN${analyze ? " ANALYZE" : ""} ${statementName(inner, "")}`;
      refuse(
        isWrite(inner.type) ? "read_only_violation" : "statement_not_allowed",
        "explain",
        `${found} is not allowed: EXPLAIN takes only a SELECT or WITH … SELECT here; ${ONLY}.`,
        { found },
      );
    }
    checkTree(inner.body, source, options);
    const query = explainedQuery(source, start, end);
    // the text run for the cost ceiling must be the statement that was just checked
    const again = await gateSql(query.text, options);
    if (again.kind !== "select") throw new Error("EXPLAIN: the explained statement was not found in the text");
    return { kind: "explain", ...statement, query, analyze };
  }
  const found = statementName(node, statement.text);
  if (node.type === "TransactionStmt") {
    refuse(
      "transaction_control_refused",
      "transaction_control",
      `${found} is not allowed: queries here always run inside a read-only transaction that is rolled back; ${ONLY}.`,
      { found },
    );
  }
  refuse(isWrite(node.type) ? "read_only_violation" : "statement_not_allowed", "statement", `${found} is not allowed: ${ONLY}.`, { found });
}

/** The rules that hold anywhere inside an allowed statement. */
function checkTree(root: unknown, source: Utf8Text, options: GateOptions): void {
  walk(root, (key, value) => {
    if (key === "FuncCall") {
      const call = value as { funcname?: Array<{ String?: { sval?: string } }>; location?: number };
      const name = call.funcname?.at(-1)?.String?.sval ?? "";
      const why = deniedFunction(name);
      if (why) {
        const position = source.position(call.location);
        refuse("query_refused", "function", `${name}() is not allowed${at(position)}: ${why}.`, { found: `${name}()`, position });
      }
    } else if (key === "intoClause") {
      const position = source.position((value as { rel?: { location?: number } }).rel?.location);
      refuse(
        "read_only_violation",
        "select_into",
        `SELECT … INTO is not allowed${at(position)}: it creates a table. Remove the INTO clause to get the rows back; ${ONLY}.`,
        { found: "SELECT … INTO", position },
      );
    } else if (key === "lockingClause" && Array.isArray(value) && value.length > 0) {
      const strength = (value as Array<{ LockingClause?: { strength?: string } }>)[0]?.LockingClause?.strength ?? "";
      const found = `SELECT … ${LOCK_NAMES[strength] ?? "FOR UPDATE"}`;
      refuse("read_only_violation", "row_locks", `${found} is not allowed: row locks are for transactions that write, and queries here are read-only. Remove the locking clause.`, {
        found,
      });
    } else if (key === "withClause" && (value as { recursive?: boolean }).recursive && !options.interruptible) {
      const position = source.position((value as { location?: number }).location);
      refuse(
        "query_refused",
        "recursive",
        `WITH RECURSIVE is not allowed${at(position)}: a recursion that never ends cannot be interrupted in the sample database. Use generate_series(…), joins or window functions instead.`,
        { found: "WITH RECURSIVE", position },
      );
    } else if (key === "CommonTableExpr") {
      const cte = value as { ctename?: string; ctequery?: unknown; location?: number };
      const inner = unwrap(cte.ctequery);
      if (inner.type !== "SelectStmt") {
        const found = `${statementName(inner, "")} inside WITH`;
        const position = source.position(cte.location);
        refuse(
          isWrite(inner.type) ? "read_only_violation" : "statement_not_allowed",
          "data_modifying_cte",
          `${found} is not allowed${at(position)} (CTE "${cte.ctename}"): every part of a WITH query must be a SELECT; ${ONLY}.`,
          { found, position },
        );
      }
    } else if (/^[A-Z]\w*Stmt$/.test(key) && key !== "SelectStmt") {
      // no grammar puts another statement inside a SELECT; refuse rather than trust that
      const found = statementName({ type: key, body: value }, "");
      refuse("statement_not_allowed", "statement", `${found} is not allowed inside a query: ${ONLY}.`, { found });
    }
  });
}

const LOCK_NAMES: Record<string, string> = {
  LCS_FORKEYSHARE: "FOR KEY SHARE",
  LCS_FORSHARE: "FOR SHARE",
  LCS_FORNOKEYUPDATE: "FOR NO KEY UPDATE",
  LCS_FORUPDATE: "FOR UPDATE",
};

/** Every property of every object in the tree, depth first. */
function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      visit(key, child);
      walk(child, visit);
    }
  }
}

interface StmtNode {
  type: string;
  body: unknown;
}

/** `{ SelectStmt: {...} }` → { type: "SelectStmt", body: {...} } */
function unwrap(node: unknown): StmtNode {
  const entry = node && typeof node === "object" ? Object.entries(node)[0] : undefined;
  return entry ? { type: entry[0], body: entry[1] } : { type: "", body: undefined };
}

const WRITE_STATEMENTS =
  /^(Insert|Update|Delete|Merge|Create|Alter|Drop|Truncate|Rename|Grant|Comment|SecLabel|Reindex|Cluster|Vacuum|RefreshMatView|Reassign|ImportForeignSchema|Define|CompositeType|View|Index|Rule)/;

function isWrite(type: string): boolean {
  return WRITE_STATEMENTS.test(type);
}

const STATEMENT_NAMES: Record<string, string> = {
  SelectStmt: "SELECT",
  ExplainStmt: "EXPLAIN",
  InsertStmt: "INSERT",
  UpdateStmt: "UPDATE",
  DeleteStmt: "DELETE",
  MergeStmt: "MERGE",
  CopyStmt: "COPY",
  DoStmt: "DO",
  CallStmt: "CALL",
  VariableShowStmt: "SHOW",
  CreateStmt: "CREATE TABLE",
  CreateTableAsStmt: "CREATE TABLE AS",
  DeclareCursorStmt: "DECLARE",
  PrepareStmt: "PREPARE",
  ExecuteStmt: "EXECUTE",
  LockStmt: "LOCK",
};

/** What a person would call the statement: "COPY", "DROP TABLE", "SET LOCAL", "ROLLBACK TO SAVEPOINT". */
function statementName(node: StmtNode, text: string): string {
  const body = (node.body ?? {}) as { kind?: string; is_local?: boolean; removeType?: string };
  if (node.type === "TransactionStmt") {
    const kind = (body.kind ?? "").replace(/^TRANS_STMT_/, "");
    return { START: "START TRANSACTION", ROLLBACK_TO: "ROLLBACK TO SAVEPOINT", PREPARE: "PREPARE TRANSACTION" }[kind] ?? kind.replace(/_/g, " ");
  }
  if (node.type === "VariableSetStmt") return body.kind?.startsWith("VAR_RESET") ? "RESET" : body.is_local ? "SET LOCAL" : "SET";
  if (node.type === "DropStmt" && body.removeType) return `DROP ${body.removeType.replace(/^OBJECT_/, "").replace(/_/g, " ")}`;
  const named = STATEMENT_NAMES[node.type];
  if (named) return named;
  const words = leadingKeywords(text);
  return words || node.type.replace(/Stmt$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
}

/** The first keywords of a statement (at most two), read with Postgres' own scanner. */
function leadingKeywords(text: string): string {
  if (!text) return "";
  const words: string[] = [];
  for (const token of scanSync(text).tokens) {
    if (token.tokenName === "SQL_COMMENT" || token.tokenName === "C_COMMENT") continue;
    if (token.keywordKind === 0 || words.length === 2) break;
    words.push(token.text.toUpperCase());
  }
  return words.join(" ");
}

/**
 * The statement under EXPLAIN, found with Postgres' scanner: after EXPLAIN, an option
 * list in parentheses, or the old-style ANALYZE / VERBOSE keywords.
 */
function explainedQuery(source: Utf8Text, start: number, end: number): GatedText {
  const text = source.slice(start, end);
  const tokens = scanSync(text).tokens.filter((t) => t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT");
  let i = 1; // tokens[0] is EXPLAIN
  if (tokens[i]?.text === "(") {
    for (let depth = 0; i < tokens.length; i++) {
      if (tokens[i].text === "(") depth++;
      else if (tokens[i].text === ")" && --depth === 0) break;
    }
    i++;
  }
  while (i < tokens.length && /^(ANALYZE|ANALYSE|VERBOSE)$/i.test(tokens[i].text)) i++;
  if (i >= tokens.length) throw new Error("EXPLAIN without a statement passed the parser");
  return source.gated(start + tokens[i].start, end);
}

function parse(source: Utf8Text): ParseResult {
  try {
    return parseSync(source.text);
  } catch (error) {
    if (!hasSqlDetails(error)) throw error;
    // Postgres reports this one in characters already (0-based here), not in bytes
    const position = (error.sqlDetails?.cursorPosition ?? 0) + 1;
    throw new ActionError("sql_syntax_error", `SQL syntax error: ${describePgError({ message: error.message, position: String(position) }, source.text)}`, {
      details: { rule: "syntax", sqlState: "42601", position },
      cause: error,
    });
  }
}

function at(position: number | undefined): string {
  return position === undefined ? "" : ` (at character ${position})`;
}

function refuse(code: string, rule: GateRule, message: string, details: Record<string, unknown> = {}): never {
  throw new ActionError(code, message, { details: { rule, ...details } });
}

/**
 * The parser's tree holds byte offsets into the UTF-8 text; people and Postgres
 * errors count characters (code points). This keeps the two apart.
 */
class Utf8Text {
  private readonly bytes: Buffer;
  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, "utf8");
  }
  get byteLength(): number {
    return this.bytes.length;
  }
  slice(startByte: number, endByte: number): string {
    return this.bytes.subarray(startByte, endByte).toString("utf8");
  }
  /** 1-based character position of a byte offset; undefined for the parser's "unknown" (-1) */
  position(byteOffset: number | undefined): number | undefined {
    if (byteOffset === undefined || byteOffset < 0) return undefined;
    return characters(this.slice(0, byteOffset)) + 1;
  }
  /** the statement between two byte offsets, trimmed, with its place in the caller's text */
  gated(startByte: number, endByte: number): GatedText {
    // only the whitespace Postgres knows: a trailing U+00A0 belongs to an identifier there
    const raw = this.slice(startByte, endByte);
    const text = raw.replace(/^[ \t\n\r\f\v]+/, "");
    return { text: text.replace(/[ \t\n\r\f\v]+$/, ""), offset: characters(this.slice(0, startByte)) + raw.length - text.length };
  }
}

/** code points, as Postgres counts characters (a JS length counts an emoji twice) */
function characters(text: string): number {
  return Array.from(text).length;
}
