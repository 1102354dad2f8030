import { afterAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { inReadOnlyTransaction, toSqlActionError, untilAborted } from "./read-only";
import { closeSampleShopDb, getSampleShopDb } from "./sample-shop";

afterAll(() => closeSampleShopDb());

describe("the read-only transaction's limits", () => {
  it("sets statement_timeout from the deadline and temp_file_limit, for this transaction only", async () => {
    const db = await getSampleShopDb();
    const inside = await inReadOnlyTransaction(
      db,
      async (tx) =>
        (
          await tx.query<{ timeout: string; space: string; ro: string }>(
            "SELECT current_setting('statement_timeout') AS timeout, current_setting('temp_file_limit') AS space, current_setting('transaction_read_only') AS ro",
          )
        ).rows[0],
      { deadline: performance.now() + 2_000, tempFileLimitKb: 2048 },
    );
    expect(inside.ro).toBe("on");
    expect(inside.space).toBe("2MB");
    const ms = /ms$/.test(inside.timeout) ? Number(inside.timeout.slice(0, -2)) : Number(inside.timeout.replace(/s$/, "")) * 1000;
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(2_000);
    const after = await db.query<{ timeout: string }>("SELECT current_setting('statement_timeout') AS timeout");
    expect(after.rows[0].timeout).toBe("0");
  });

  // PGlite never fires statement_timeout, but it does count temporary-file bytes: a
  // recursion that runs away is stopped by the space it takes, not by the clock
  it("stops a runaway recursive query by its temporary space", async () => {
    const db = await getSampleShopDb();
    // bounded at 5 million rows so that a broken limit fails the test instead of hanging it
    const sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5000000) SELECT count(*) FROM r";
    const error = await inReadOnlyTransaction(db, (tx) => tx.query(sql), { tempFileLimitKb: 1024 }).then(
      () => null,
      (e: unknown) => toSqlActionError(e, sql),
    );
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: "query_too_expensive", details: { sqlState: "53400" } });
    expect((error as ActionError).message).toMatch(/temp_file_limit/);
    expect((await db.query<{ ok: number }>("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
  });

  it("maps a statement timeout (57014) to query_timeout", () => {
    const pgError = Object.assign(new Error("canceling statement due to statement timeout"), { severity: "ERROR", code: "57014" });
    expect(toSqlActionError(pgError, "SELECT 1")).toMatchObject({ code: "query_timeout", retryable: false });
  });
});

describe("untilAborted", () => {
  it("gives the work's answer, or the abort reason as soon as the signal aborts", async () => {
    expect(await untilAborted(Promise.resolve(1), new AbortController().signal)).toBe(1);
    const ac = new AbortController();
    const never = new Promise<number>(() => {});
    const raced = untilAborted(never, ac.signal);
    const reason = new Error("stop");
    ac.abort(reason);
    await expect(raced).rejects.toBe(reason);
    await expect(untilAborted(Promise.reject(new Error("late")), AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
