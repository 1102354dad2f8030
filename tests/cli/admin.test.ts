/**
 * `trellis admin create-owner` on a data folder (the password on stdin), and the per-account
 * planning limit as the CLI reports it (exit 9 with the message). Real CLI processes, a real
 * embedded database; the owner's password is checked by signing in with better-auth.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Accounts } from "../../lib/server/auth/accounts";
import { openDatabase } from "../../lib/store/database";
import { tempDir, trellis } from "../support/cli";

const PASSWORD = "a long enough password";
let data: ReturnType<typeof tempDir>;
beforeAll(() => {
  data = tempDir("trellis-admin-");
});
afterAll(() => data?.remove());

describe("trellis admin create-owner", { timeout: 240_000 }, () => {
  it("makes the first owner from stdin, refuses a second one, and the owner can sign in", async () => {
    const tooShort = await trellis(["admin", "create-owner", "--email", "Olive@Example.com", "--name", "Olive", "--password-stdin"], { dataDir: data.dir, input: "short\n" });
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain("at least 10 characters");
    const noEmail = await trellis(["admin", "create-owner", "--name", "Olive", "--password-stdin"], { dataDir: data.dir, input: `${PASSWORD}\n` });
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain("--email");

    const made = await trellis(["admin", "create-owner", "--email", "Olive@Example.com", "--name", "Olive", "--password-stdin", "--json"], { dataDir: data.dir, input: `${PASSWORD}\n` });
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toEqual({ owner: { email: "olive@example.com", name: "Olive" }, accounts: true });
    expect(made.stdout + made.stderr).not.toContain(PASSWORD);

    const again = await trellis(["admin", "create-owner", "--email", "other@example.com", "--name", "Other", "--password-stdin"], { dataDir: data.dir, input: `${PASSWORD}\n` });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already has an owner");

    const db = await openDatabase({ dir: path.join(data.dir, "pglite") });
    try {
      expect((await db.prisma.user.findMany()).map((u) => [u.email, u.role])).toEqual([["olive@example.com", "owner"]]);
      const accounts = new Accounts(db.prisma, { secret: "admin-test-secret-0123456789abcdef0123456789", required: false, loopback: true });
      const signedIn = await accounts.auth.api.signInEmail({ body: { email: "olive@example.com", password: PASSWORD }, asResponse: true });
      expect(signedIn.status).toBe(200);
      const wrong = await accounts.auth.api.signInEmail({ body: { email: "olive@example.com", password: "not the password" }, asResponse: true });
      expect(wrong.status).toBe(401);
    } finally {
      await db.close();
    }
  });

  it("does not work through --server", async () => {
    const r = await trellis(["admin", "create-owner", "--email", "a@example.com", "--name", "A", "--password-stdin", "--server", "http://127.0.0.1:9"], { input: `${PASSWORD}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/setup");
  });
});

describe("the planning limit in the CLI", { timeout: 240_000 }, () => {
  it("exits 9 with the limit's message once the hour's planning requests are used", async () => {
    const folder = tempDir("trellis-limit-");
    try {
      const env = { TRELLIS_LIMIT_PLANS_PER_HOUR: "1" };
      const first = await trellis(["plan", "count the words in notes.txt", "--json"], { dataDir: folder.dir, env });
      expect(first.code, first.stderr).not.toBe(9);
      const second = await trellis(["plan", "count the words in notes.txt", "--json"], { dataDir: folder.dir, env });
      expect(second.code).toBe(9);
      expect(second.stderr).toContain("reached the limit of 1 planning request per hour (TRELLIS_LIMIT_PLANS_PER_HOUR)");
      expect(JSON.parse(second.stdout)).toMatchObject({ error: { exitCode: 9, details: { limit: "plans_per_hour", max: 1 } } });
    } finally {
      folder.remove();
    }
  });
});
