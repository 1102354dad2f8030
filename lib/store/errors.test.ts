import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, postgresAvailability, type DbKind } from "../../tests/support/databases";
import { openDatabase, type Database } from "./database";
import { classifyStorageError, isStorageError } from "./errors";

const pgAvailable = await postgresAvailability();
const kinds: DbKind[] = pgAvailable.run ? ["pglite", "postgres"] : ["pglite"];

const template = (id: string, name = "A template") => ({ id, name, description: "", tags: [], params: [], body: {}, basedOnPlanId: null });

/** The error a promise rejects with (the test fails when it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the database to refuse");
}

describe.each(kinds)("storage errors on %s", (kind) => {
  let db: Database;
  /** runs SQL on the driver itself, beneath Prisma */
  let raw: (sql: string) => Promise<unknown>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (kind === "pglite") {
      db = await openDatabase({});
      raw = (sql) => db.pglite!.query(sql);
      cleanup = () => db.close();
    } else {
      const created = await createPostgresDatabase();
      db = await openDatabase({ url: created.url });
      const client = new pg.Client({ connectionString: created.url });
      await client.connect();
      raw = (sql) => client.query(sql);
      cleanup = async () => {
        await client.end();
        await db.close();
        await created.drop();
      };
    }
  });
  afterAll(async () => cleanup?.());

  it("a duplicate key is a unique violation, through Prisma and through the driver", async () => {
    await db.prisma.planTemplate.create({ data: template("dup") });
    const viaPrisma = classifyStorageError(await failure(db.prisma.planTemplate.create({ data: template("dup") })));
    expect(viaPrisma).toMatchObject({ kind: "unique_violation", fields: ["id"], retryable: false });
    expect(viaPrisma?.sqlState ?? viaPrisma?.prismaCode).toMatch(/^(23505|P2002)$/);

    const inTransaction = await failure(db.prisma.$transaction(async (tx) => tx.planTemplate.create({ data: template("dup") })));
    expect(isStorageError(inTransaction, "unique_violation")).toBe(true);

    const viaDriver = classifyStorageError(await failure(raw(`INSERT INTO "PlanTemplate" (id, name, description, tags, params, body, "updatedAt") VALUES ('dup', 'n', '', '{}', '[]', '{}', now())`)));
    expect(viaDriver).toMatchObject({ kind: "unique_violation", sqlState: "23505", fields: ["id"], constraint: "PlanTemplate_pkey" });
  });

  it("a row that refers to a missing one is a foreign key violation", async () => {
    const version = { id: "v1", planId: "no-such-plan", number: 1, hash: "h", body: {}, source: "api", issues: [], valid: true };
    const err = await failure(db.prisma.planVersion.create({ data: version }));
    expect(classifyStorageError(err)?.kind).toBe("foreign_key_violation");
    expect(isStorageError(err, "unique_violation")).toBe(false);
    const viaDriver = await failure(raw(`INSERT INTO "PlanVersion" (id, "planId", number, hash, body, source, issues, valid) VALUES ('v1', 'no-such-plan', 1, 'h', '{}', 'api', '[]', true)`));
    expect(classifyStorageError(viaDriver)).toMatchObject({ kind: "foreign_key_violation", sqlState: "23503" });
  });

  it("a NUL byte in text is an invalid value", async () => {
    const err = await failure(db.prisma.planTemplate.create({ data: template("nul", "a\u0000b") }));
    expect(classifyStorageError(err)).toMatchObject({ kind: "invalid_value", sqlState: "22021" });
  });

  it("a missing required value is a not-null violation", async () => {
    const err = await failure(raw(`INSERT INTO "PlanTemplate" (id, name, description, tags, params, body, "updatedAt") VALUES ('nn', NULL, '', '{}', '[]', '{}', now())`));
    expect(classifyStorageError(err)).toMatchObject({ kind: "not_null_violation", sqlState: "23502" });
  });
});

describe("classifyStorageError", () => {
  it("reads Prisma's codes, the adapters' kinds and SQLSTATEs however deep the cause", () => {
    expect(classifyStorageError({ name: "PrismaClientKnownRequestError", code: "P2002", meta: { target: ["id"] }, message: "Unique constraint failed" })).toMatchObject({ kind: "unique_violation", prismaCode: "P2002", fields: ["id"] });
    expect(classifyStorageError({ code: "P2034", message: "write conflict" })).toMatchObject({ kind: "serialization_failure", retryable: true });
    expect(classifyStorageError({ name: "DriverAdapterError", cause: { kind: "TransactionWriteConflict" } })).toMatchObject({ kind: "serialization_failure", retryable: true });
    const nested = new Error("outer", { cause: new Error("middle", { cause: { kind: "postgres", code: "40P01", message: "deadlock detected" } }) });
    expect(classifyStorageError(nested)).toMatchObject({ kind: "deadlock", sqlState: "40P01", retryable: true, message: "deadlock detected" });
    expect(classifyStorageError(new AggregateError([new Error("x"), { code: "22003", message: "out of range" }]))).toMatchObject({ kind: "value_out_of_range" });
    expect(classifyStorageError({ code: "22P02", message: 'invalid input syntax for type integer: "x"' })?.kind).toBe("invalid_value");
  });

  it("answers null for what is not a storage failure, and survives cycles", () => {
    expect(classifyStorageError(new Error("boom"))).toBeNull();
    expect(classifyStorageError(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))).toBeNull();
    expect(classifyStorageError({ code: "P2025", message: "record not found" })).toBeNull();
    expect(classifyStorageError("23505")).toBeNull();
    expect(classifyStorageError(undefined)).toBeNull();
    const a: { cause?: unknown } = {};
    a.cause = { cause: a };
    expect(classifyStorageError(a)).toBeNull();
    expect(isStorageError(new Error("boom"))).toBe(false);
  });
});
