import { describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { MAX_SQL_CHARS, deniedFunction, gateSql } from "./sql-gate";

async function refusal(sql: string, options = {}): Promise<ActionError> {
  const error = await gateSql(sql, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, sql).toBeInstanceOf(ActionError);
  return error as ActionError;
}

const ONLY = "only SELECT, WITH … SELECT and EXPLAIN run against the database";

describe("the SQL gate: what may run", () => {
  it.each([
    "SELECT count(*) FROM orders",
    `SELECT c.country, count(DISTINCT o.id) FILTER (WHERE o.status = 'paid') AS paid
       FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN order_items i ON i.order_id = o.id
      GROUP BY ROLLUP (c.country) HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 5`,
    "SELECT id, rank() OVER w, sum(id) OVER (PARTITION BY customer_id ORDER BY ordered_at) FROM orders WINDOW w AS (ORDER BY id)",
    "WITH paid AS (SELECT * FROM orders WHERE status = 'paid'), n AS (SELECT count(*) FROM paid) SELECT * FROM n",
    "SELECT * FROM customers c, LATERAL (SELECT * FROM orders o WHERE o.customer_id = c.id LIMIT 1) x",
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM products",
    "SELECT 1 UNION SELECT 2 EXCEPT SELECT 3",
    "SELECT * FROM orders WHERE id IN (SELECT order_id FROM order_items) AND EXISTS (SELECT 1)",
    "SELECT * FROM generate_series(1, 10) g",
    "SELECT JSON_OBJECT('a': 1), now(), current_setting('default_transaction_read_only')",
    "VALUES (1, 'a'), (2, 'b')",
    "TABLE categories",
    "SELECT $1::int + $2::int",
    "(SELECT 1)",
  ])("allows %s", async (sql) => {
    const gated = await gateSql(sql);
    expect(gated.kind).toBe("select");
    expect(gated.query).toEqual({ text: gated.text, offset: gated.offset });
  });

  it("allows EXPLAIN of a query, with options and ANALYZE, and finds the query it explains", async () => {
    expect(await gateSql("EXPLAIN SELECT 1")).toMatchObject({ kind: "explain", analyze: false, text: "EXPLAIN SELECT 1", query: { text: "SELECT 1", offset: 8 } });
    const sql = "EXPLAIN (ANALYZE, FORMAT JSON) /* why */ SELECT 'é' AS \"ü\" FROM orders;";
    const gated = await gateSql(sql);
    expect(gated).toMatchObject({ kind: "explain", analyze: true, query: { text: `SELECT 'é' AS "ü" FROM orders` } });
    expect(sql.slice(gated.query.offset)).toMatch(/^SELECT 'é'/);
    expect((await gateSql("explain analyze verbose WITH x AS (SELECT 1) SELECT * FROM x")).query.text).toBe("WITH x AS (SELECT 1) SELECT * FROM x");
  });

  it("keeps one statement whatever ';' hides in strings, quoted names, comments and dollar quotes", async () => {
    for (const sql of [
      `SELECT ';' AS "a;b", $$x;y$$, $t$;$t$ -- ; here\n/* ; /* nested ; */ */ FROM orders;`,
      `SELECT E'it\\'s;' ;`,
      "SELECT $tag$ '; DROP TABLE orders; -- $tag$ AS harmless",
      "SELECT 'x'' ; DELETE FROM orders --' AS also_harmless",
    ]) {
      expect((await gateSql(sql)).kind, sql).toBe("select");
    }
    expect((await refusal("SELECT 'it''s'; DELETE FROM t")).code).toBe("multiple_statements");
  });

  it("cuts comments, whitespace and ';' around the statement and says where it starts", async () => {
    expect(await gateSql("  select 1 ;\n ")).toMatchObject({ text: "select 1", offset: 2 });
    expect(await gateSql("-- top\n/* x */ (select 1)")).toMatchObject({ kind: "select", text: "(select 1)", offset: 15 });
    expect(await gateSql("; SELECT 2")).toMatchObject({ text: "SELECT 2", offset: 2 });
  });

  it("lets WITH RECURSIVE through only where the database can interrupt a statement", async () => {
    const sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r";
    expect((await gateSql(sql, { interruptible: true })).kind).toBe("select");
    expect((await refusal(sql)).code).toBe("query_refused");
  });
});

describe("the SQL gate: what is refused, and why", () => {
  // the probes of the incident, then statements and tricks around them
  it.each([
    ["COPY (SELECT 1) TO PROGRAM 'true'", "statement_not_allowed", "statement", `COPY is not allowed: ${ONLY}.`],
    [
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
      "query_refused",
      "recursive",
      "WITH RECURSIVE is not allowed: a recursion that never ends cannot be interrupted",
    ],
    [
      "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
      "read_only_violation",
      "data_modifying_cte",
      'DELETE inside WITH is not allowed (at character 6) (CTE "d"): every part of a WITH query must be a SELECT',
    ],
    ["SELECT 1; DROP TABLE x", "multiple_statements", "multiple_statements", "Only one SQL statement can run at a time, got 2 (SELECT, DROP TABLE)"],
    ["SELECT pg_sleep(100)", "query_refused", "function", "pg_sleep() is not allowed (at character 8): it waits on purpose"],
    ["SELECT * INTO t FROM orders", "read_only_violation", "select_into", "SELECT … INTO is not allowed (at character 15): it creates a table"],
    ["SELECT * FROM orders WHERE id = 1 FOR UPDATE", "read_only_violation", "row_locks", "SELECT … FOR UPDATE is not allowed: row locks"],
    ["EXPLAIN ANALYZE DELETE FROM orders", "read_only_violation", "explain", "EXPLAIN ANALYZE DELETE is not allowed: EXPLAIN takes only a SELECT"],
    // keywords hidden from a lexical look
    ["/* SELECT */ DELETE FROM orders", "read_only_violation", "statement", `DELETE is not allowed: ${ONLY}.`],
    ["-- SELECT\nCOPY orders TO PROGRAM 'x'", "statement_not_allowed", "statement", `COPY is not allowed`],
    ["(((SELECT 1))) /* ; */ ; COPY (SELECT 1) TO STDOUT", "multiple_statements", "multiple_statements", "got 2 (SELECT, COPY)"],
    ["SELECT $$;$$; DO $x$BEGIN PERFORM pg_sleep(1); END$x$", "multiple_statements", "multiple_statements", "got 2 (SELECT, DO)"],
    ["DO $$BEGIN PERFORM 1; END$$", "statement_not_allowed", "statement", `DO is not allowed: ${ONLY}.`],
    ["WITH x AS (SELECT 1) DELETE FROM orders", "read_only_violation", "statement", "DELETE is not allowed"],
    ["WITH x AS (SELECT 1 FOR SHARE) SELECT * FROM x", "read_only_violation", "row_locks", "SELECT … FOR SHARE is not allowed"],
    ["SELECT * FROM (SELECT * FROM orders FOR NO KEY UPDATE) o", "read_only_violation", "row_locks", "FOR NO KEY UPDATE"],
    ["WITH u AS (UPDATE products SET price = 0 RETURNING 1) SELECT 1", "read_only_violation", "data_modifying_cte", "UPDATE inside WITH"],
    ["SELECT 1 FROM orders WHERE EXISTS (WITH RECURSIVE r AS (SELECT 1 UNION SELECT 1 FROM r) SELECT 1 FROM r)", "query_refused", "recursive", "WITH RECURSIVE"],
    ["EXPLAIN SELECT pg_sleep(1)", "query_refused", "function", "pg_sleep()"],
    ["EXPLAIN (ANALYZE) WITH d AS (DELETE FROM orders RETURNING 1) SELECT * FROM d", "read_only_violation", "data_modifying_cte", "DELETE inside WITH"],
    ["EXPLAIN CREATE TABLE t AS SELECT 1", "read_only_violation", "explain", "EXPLAIN CREATE TABLE AS is not allowed"],
    // functions that reach past a read-only query, however they are spelled or placed
    ["SELECT pg_catalog.PG_SLEEP(1)", "query_refused", "function", "pg_sleep() is not allowed"],
    ["SELECT * FROM pg_sleep_for('1 minute')", "query_refused", "function", "pg_sleep_for() is not allowed"],
    ["SELECT id FROM orders ORDER BY (SELECT pg_sleep(1))", "query_refused", "function", "pg_sleep()"],
    ["SELECT set_config('statement_timeout', '0', true)", "query_refused", "function", "it changes settings"],
    ["SELECT pg_read_file('/etc/passwd')", "query_refused", "function", "it reads or writes server files"],
    ["SELECT lo_import('/etc/passwd')", "query_refused", "function", "large objects"],
    ["SELECT query_to_xml('COPY x TO PROGRAM ''y''', true, false, '')", "query_refused", "function", "it runs SQL given as text"],
    ["SELECT dblink('host=x', 'SELECT 1')", "query_refused", "function", "it connects to another database"],
    ["SELECT pg_terminate_backend(1)", "query_refused", "function", "it administers the database server"],
    ["SELECT nextval('orders_id_seq'), txid_current()", "query_refused", "function", "nextval() is not allowed"],
    ["SELECT pg_advisory_lock(1)", "query_refused", "function", "it takes locks"],
    // every other kind of statement
    ["SET statement_timeout = 0", "statement_not_allowed", "statement", `SET is not allowed: ${ONLY}.`],
    ["SET LOCAL work_mem = '1GB'", "statement_not_allowed", "statement", "SET LOCAL is not allowed"],
    ["RESET ALL", "statement_not_allowed", "statement", "RESET is not allowed"],
    ["SHOW default_transaction_read_only", "statement_not_allowed", "statement", `SHOW is not allowed: ${ONLY}.`],
    ["BEGIN", "transaction_control_refused", "transaction_control", "BEGIN is not allowed: queries here always run inside a read-only transaction"],
    ["COMMIT", "transaction_control_refused", "transaction_control", "COMMIT is not allowed"],
    ["ROLLBACK TO SAVEPOINT a", "transaction_control_refused", "transaction_control", "ROLLBACK TO SAVEPOINT is not allowed"],
    ["CALL do_things()", "statement_not_allowed", "statement", "CALL is not allowed"],
    ["DECLARE c CURSOR FOR SELECT 1", "statement_not_allowed", "statement", "DECLARE is not allowed"],
    ["PREPARE p AS SELECT 1", "statement_not_allowed", "statement", "PREPARE is not allowed"],
    ["LISTEN channel", "statement_not_allowed", "statement", "LISTEN is not allowed"],
    ["LOCK TABLE orders", "statement_not_allowed", "statement", "LOCK is not allowed"],
    ["INSERT INTO categories (id, name) VALUES (99, 'x')", "read_only_violation", "statement", "INSERT is not allowed"],
    ["MERGE INTO orders o USING orders p ON o.id = p.id WHEN MATCHED THEN DELETE", "read_only_violation", "statement", "MERGE is not allowed"],
    ["CREATE TABLE t AS SELECT 1", "read_only_violation", "statement", "CREATE TABLE AS is not allowed"],
    ["CREATE INDEX i ON orders (status)", "read_only_violation", "statement", "CREATE INDEX is not allowed"],
    ["DROP TABLE orders", "read_only_violation", "statement", "DROP TABLE is not allowed"],
    ["TRUNCATE orders", "read_only_violation", "statement", "TRUNCATE is not allowed"],
    ["VACUUM orders", "read_only_violation", "statement", "VACUUM is not allowed"],
  ])("refuses %s", async (sql, code, rule, message) => {
    const error = await refusal(sql);
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ rule });
    expect(error.message).toContain(message);
    expect(error.retryable).toBe(false);
  });

  it("refuses text that does not parse with the parser's message and position (in characters)", async () => {
    const error = await refusal("SELECT id, FROM orders");
    expect(error.code).toBe("sql_syntax_error");
    expect(error.message).toBe('SQL syntax error: syntax error at or near "FROM" (at character 12, line 1, near "FROM orders")');
    expect(error.details).toMatchObject({ rule: "syntax", sqlState: "42601", position: 12 });
    // é and ✓ are several bytes each; the position still counts characters
    const unicode = await refusal("SELECT 'é✓',\n  FROM orders");
    expect(unicode.details).toMatchObject({ position: 16 });
    expect(unicode.message).toContain('at character 16, line 2, near "FROM orders"');
    expect((await refusal("SELECT * FROM orders WHERE")).message).toContain("syntax error at end of input");
    expect((await refusal("SELECT 'unterminated")).code).toBe("sql_syntax_error");
  });

  it("refuses empty text, NUL characters and text past the size limit before parsing", async () => {
    expect((await refusal(" ;; -- nothing\n")).code).toBe("empty_query");
    const nul = await refusal("SELECT 1 \0; DROP TABLE orders");
    expect(nul).toMatchObject({ code: "sql_syntax_error", details: { position: 10 } });
    expect((await refusal(`SELECT '${"x".repeat(MAX_SQL_CHARS)}'`)).code).toBe("sql_too_long");
  });

  it("lists the statements it refused to run together", async () => {
    const error = await refusal("SELECT 1;\nDELETE FROM orders;");
    expect(error.details).toMatchObject({ statements: ["SELECT 1", "DELETE FROM orders"] });
  });
});

describe("the function deny-list", () => {
  it("matches names and prefixes in any case, and leaves ordinary functions alone", () => {
    expect(deniedFunction("pg_sleep_until")).toMatch(/waits/);
    expect(deniedFunction("LO_EXPORT")).toMatch(/large objects/);
    expect(deniedFunction("pg_ls_dir")).toMatch(/files/);
    expect(deniedFunction("pg_stat_reset_shared")).toMatch(/administers/);
    for (const ok of ["count", "sum", "now", "round", "date_trunc", "generate_series", "current_setting", "pg_typeof", "lower", "coalesce", "jsonb_agg"]) {
      expect(deniedFunction(ok), ok).toBeUndefined();
    }
  });
});
