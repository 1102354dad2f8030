/**
 * Stored connections against real things: the embedded database, the real server-everything over
 * stdio (a dev dependency), the live registry, the validator, the offline planner and the engine.
 * A connection joins and leaves the catalog without a restart; secrets are stored sealed, named
 * but never answered, kept across edits; a changed key makes the connection unavailable ("secret
 * cannot be read"), never a crash; a config-file server of the same name shadows it; and a run
 * whose tool prints the secret stores only `[redacted]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePlan, type Action, type Plan } from "../../core";
import { defineAction } from "../../core/action";
import { z } from "zod";
import { LiveRegistry } from "../../catalogs/live-registry";
import { planGoal } from "../../planner/plan-goal";
import { getConnectionRow } from "../../store/connections";
import { openDatabase, type Database } from "../../store/database";
import { makeHarness } from "../../../tests/support/engine-harness";
import { redactSecrets } from "./redaction";
import { SecretBox } from "./secret-box";
import { StoredConnections } from "./stored-connections";

const ROOT = path.resolve(__dirname, "../../..");
const EVERYTHING = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const KEY = "stored-connections-test-key-0123456789abcdef";
const SECRET = "vault-token-7f3a9c21e8b44d0f";
const OTHER = "second-secret-value-55aa";

const fixed: Action[] = [
  defineAction({ id: "data.noop", title: "No-op", description: "Does nothing", flows: ["data"], input: z.object({}), output: z.object({}), effect: "pure", run: async () => ({}) }),
];

let dir: string;
let db: Database;
let registry: LiveRegistry;
let connections: StoredConnections;

function open(key: string, configNames: string[] = []): { registry: LiveRegistry; connections: StoredConnections } {
  const reg = new LiveRegistry(fixed, [{ id: "built-in", kind: "builtin", status: "ok", actions: fixed.length }]);
  const conns: StoredConnections = new StoredConnections(db.prisma, new SecretBox(key), { configNames: new Set(configNames), takenNames: () => reg.takenNames(conns), waitMs: 60_000, connection: { backoffMs: 50, maxBackoffMs: 200 } });
  reg.addSource(conns);
  return { registry: reg, connections: conns };
}

const everything = { transport: "stdio" as const, command: process.execPath, args: [EVERYTHING, "stdio"] };
const step = (id: string, action: string, inputs: Record<string, unknown>): Plan["steps"][number] => ({ id, action, inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { kind: "literal" as const, value: v }])) });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "trellis-connections-"));
  db = await openDatabase({ dir: path.join(dir, "pglite") });
  ({ registry, connections } = open(KEY));
  await connections.start();
}, 120_000);

afterAll(async () => {
  await connections?.close();
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("stored connections", { timeout: 120_000 }, () => {
  it("adds a server at run time: its tools become actions at once, for the validator and the planner", async () => {
    expect(registry.catalog.get("vault.get-sum")).toBeUndefined();
    const made = await connections.create({ kind: "mcp", name: "vault", config: everything, secrets: { VAULT_TOKEN: SECRET } }, "olive@example.com");
    expect(made).toMatchObject({ name: "vault", status: "ok", secretNames: ["VAULT_TOKEN"], createdBy: "olive@example.com" });
    expect(made.actions).toContain("vault.get-sum");
    expect(JSON.stringify(made)).not.toContain(SECRET);
    expect(registry.catalog.sources.find((s) => s.id === "vault")).toMatchObject({ kind: "mcp", status: "ok", actions: 13 });
    const plan: Plan = { goal: "t", flows: ["vault"], inputs: [], outputs: {}, steps: [step("sum", "vault.get-sum", { a: 2, b: 3 })] };
    expect(validatePlan(plan, registry.catalog).valid).toBe(true);
    const planned = await planGoal({ goal: "Add the numbers 2 and 3", flows: ["vault"] }, { catalog: registry.catalog });
    expect(planned.plan!.steps.map((s) => s.action)).toEqual(["vault.get-sum"]);
  });

  it("stores the secrets sealed: the row holds no value in clear", async () => {
    const row = await getConnectionRow(db.prisma, "vault");
    expect(row!.secretNames).toEqual(["VAULT_TOKEN"]);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(new SecretBox(KEY).open(row!.secrets!, "vault")).toEqual({ VAULT_TOKEN: SECRET });
  });

  it("runs a tool that prints the secret: the stored step output and events say [redacted]", async () => {
    const h = makeHarness(db, [], { registry, redact: redactSecrets });
    const plan: Plan = { goal: "t", flows: ["vault"], inputs: [], outputs: {}, steps: [step("env", "vault.get-env", {}), step("echo", "vault.echo", { message: SECRET })] };
    const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
    expect(done.run.status).toBe("succeeded");
    const env = done.steps.find((s) => s.stepId === "env")!.output as { text: string };
    expect(env.text).toContain('"VAULT_TOKEN": "[redacted]"');
    const events = await h.store.events(done.run.id);
    const stored = JSON.stringify({ steps: done.steps, events });
    expect(stored).not.toContain(SECRET);
    expect(stored).toContain("Echo: [redacted]");
  });

  it("refuses a name Trellis already uses, and a second connection of the same name", async () => {
    await expect(connections.create({ kind: "mcp", name: "data", config: everything, secrets: {} }, "x")).rejects.toMatchObject({ status: 409 });
    await expect(connections.create({ kind: "mcp", name: "vault", config: everything, secrets: {} }, "x")).rejects.toMatchObject({ status: 409 });
  });

  it("edits: replaces one secret and keeps the others without their values being sent again", async () => {
    await connections.update("vault", { secrets: { EXTRA: OTHER } }, "ed");
    const after = await connections.update("vault", { secrets: { EXTRA: null, SECOND: "another-one-1234" } }, "ed");
    expect(after.secretNames.sort()).toEqual(["SECOND", "VAULT_TOKEN"]);
    expect(after.updatedBy).toBe("ed");
    const row = await getConnectionRow(db.prisma, "vault");
    expect(new SecretBox(KEY).open(row!.secrets!, "vault")).toEqual({ VAULT_TOKEN: SECRET, SECOND: "another-one-1234" });
    expect(after.status).toBe("ok");
  });

  it("with another TRELLIS_SECRET_KEY: unavailable, 'secret cannot be read', until every secret is entered again", async () => {
    const other = open(`${KEY}-rotated`);
    try {
      await other.connections.start();
      const [c] = other.connections.list();
      expect(c).toMatchObject({ name: "vault", status: "unavailable", secretNames: ["VAULT_TOKEN", "SECOND"] });
      expect(c.reason).toMatch(/^secret cannot be read: .*another TRELLIS_SECRET_KEY/);
      expect(other.registry.catalog.sources.find((s) => s.id === "vault")).toMatchObject({ status: "unavailable", actions: 0 });
      expect(other.registry.catalog.get("vault.get-sum")).toBeUndefined();
      await expect(other.connections.update("vault", { secrets: { VAULT_TOKEN: SECRET } }, "olive")).rejects.toMatchObject({ status: 400, code: "secret_unreadable" });
      const fixedUp = await other.connections.update("vault", { secrets: { VAULT_TOKEN: SECRET, SECOND: null } }, "olive");
      expect(fixedUp).toMatchObject({ status: "ok", secretNames: ["VAULT_TOKEN"] });
    } finally {
      await other.connections.close();
    }
  });

  it("a server of the config file with the same name wins: the stored one is shadowed, not connected", async () => {
    const other = open(`${KEY}-rotated`, ["vault"]);
    try {
      await other.connections.start();
      expect(other.connections.list()[0]).toMatchObject({ name: "vault", status: "shadowed", actions: [] });
      expect(other.connections.list()[0].reason).toMatch(/TRELLIS_MCP_CONFIG/);
      expect(other.registry.catalog.sources.map((s) => s.id)).not.toContain("vault");
    } finally {
      await other.connections.close();
    }
  });

  it("removes a connection: its actions leave the catalog at once, and plans on them no longer validate", async () => {
    // The row was sealed again under the other key above: under this one it cannot be read until entered again.
    const reconnected = await connections.reconnect("vault");
    expect(reconnected).toMatchObject({ status: "unavailable", reason: expect.stringMatching(/^secret cannot be read/) });
    expect(registry.catalog.get("vault.get-sum")).toBeUndefined();
    expect((await connections.update("vault", { secrets: { VAULT_TOKEN: SECRET } }, "olive")).status).toBe("ok");
    expect(registry.catalog.get("vault.get-sum")).toBeDefined();
    await connections.remove("vault", "olive");
    expect(registry.catalog.get("vault.get-sum")).toBeUndefined();
    const plan: Plan = { goal: "t", flows: ["vault"], inputs: [], outputs: {}, steps: [step("sum", "vault.get-sum", { a: 2, b: 3 })] };
    expect(validatePlan(plan, registry.catalog).issues.map((i) => i.code)).toContain("unknown_action");
    expect(connections.list()).toEqual([]);
    await expect(connections.remove("vault", "olive")).rejects.toMatchObject({ status: 404 });
  });
});
