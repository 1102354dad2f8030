/**
 * MCP servers as actions, against real servers nobody here wrote (@modelcontextprotocol's
 * server-everything and server-filesystem, dev dependencies), through the real engine on a
 * real database: listing, calling, structured output, progress, cancellation, a tool error,
 * a server killed mid-run, a server that is down, and streamable HTTP.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePlan, type Plan, type RunEvent } from "../../core";
import { planGoal } from "../../planner/plan-goal";
import { InProcessEventBus } from "../../engine/event-bus";
import type { Database } from "../../store/database";
import { freshDatabase } from "../../../tests/support/databases";
import { makeHarness } from "../../../tests/support/engine-harness";
import { LiveRegistry } from "../live-registry";
import type { McpConfig } from "./config";
import { McpServers } from "./servers";

const ROOT = path.resolve(__dirname, "../../..");
const EVERYTHING = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const FILESYSTEM = path.join(ROOT, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");

function servers(config: McpConfig["mcpServers"]): McpServers {
  return new McpServers({ mcpServers: config }, { backoffMs: 50, maxBackoffMs: 200 });
}

/** Resolves when `check` holds, checked again on every change of the servers. */
function until(mcp: McpServers, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const off = mcp.onChange(() => { if (check()) { off(); resolve(); } });
  });
}

function eventOf(bus: InProcessEventBus, test: (e: RunEvent) => boolean): Promise<RunEvent> {
  return new Promise((resolve) => {
    const off = bus.subscribeAll((e) => { if (test(e)) { off(); resolve(e); } });
  });
}

const step = (id: string, action: string, inputs: Record<string, unknown>): Plan["steps"][number] => ({
  id,
  action,
  inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { kind: "literal" as const, value: v }])),
});

const planOf = (flows: string[], ...steps: Plan["steps"]): Plan => ({ goal: "test", flows, inputs: [], steps, outputs: {} });

describe("MCP servers as actions (server-everything over stdio)", () => {
  let db: Database;
  let mcp: McpServers;
  let registry: LiveRegistry;
  const folder = mkdtempSync(path.join(os.tmpdir(), "trellis-mcp-"));
  const pidFile = path.join(folder, "everything.pid");

  beforeAll(async () => {
    db = await freshDatabase("pglite");
    // The shell writes its pid and becomes the server, so the test can kill the server itself.
    mcp = servers({ everything: { command: "sh", args: ["-c", `echo $$ > '${pidFile}'; exec '${process.execPath}' '${EVERYTHING}' stdio`], env: {} } });
    await mcp.start();
    registry = new LiveRegistry([], [], mcp);
  });
  afterAll(async () => {
    await mcp?.close();
    await db?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("lists every tool as an action <server>.<tool> in flow <server>, typed by the tool's schemas, effect from its annotations", () => {
    const source = registry.catalog.sources.find((s) => s.id === "everything");
    expect(source).toMatchObject({ kind: "mcp", status: "ok", actions: 13, prefix: "everything." });
    const sum = registry.catalog.get("everything.get-sum")!;
    expect(sum).toMatchObject({ flows: ["everything"], effect: "read", approval: false, source: "mcp:everything" });
    expect(sum.input).toMatchObject({ type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] });
    expect(sum.input.$schema).toBeUndefined();
    expect(sum.output).toMatchObject({ required: ["text", "content"] });
    // A tool with an outputSchema gives its structured result, typed by that schema.
    expect(registry.catalog.get("everything.get-structured-content")!.output).toMatchObject({ type: "object", properties: { temperature: { type: "number" } } });
    // No readOnlyHint: a write (server-everything marks none destructive).
    expect(registry.catalog.get("everything.toggle-simulated-logging")).toMatchObject({ effect: "write", approval: false });
    expect(registry.catalog.list().filter((a) => a.id.startsWith("everything."))).toHaveLength(13);
  });

  it("runs everything.get-sum a=2 b=3 through the engine, and a structured tool to its structured content", async () => {
    const h = makeHarness(db, [], { registry });
    const plan = planOf(["everything"], step("sum", "everything.get-sum", { a: 2, b: 3 }), step("weather", "everything.get-structured-content", { location: "Chicago" }));
    expect(validatePlan(plan, registry.catalog).valid).toBe(true);
    const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
    expect(done.run.status).toBe("succeeded");
    const sum = done.steps.find((s) => s.stepId === "sum")!.output as { text: string; content: unknown[] };
    expect(sum.text).toBe("The sum of 2 and 3 is 5.");
    expect(sum.content).toEqual([{ type: "text", text: "The sum of 2 and 3 is 5." }]);
    expect(done.steps.find((s) => s.stepId === "weather")!.output).toMatchObject({ temperature: expect.any(Number), conditions: expect.any(String) });
  });

  it("the offline planner plans over the server's tools, by their names and descriptions", async () => {
    const planned = await planGoal({ goal: "Add the numbers 2 and 3", flows: ["everything"] }, { catalog: registry.catalog });
    expect(planned.status).toBe("ready");
    expect(planned.plan!.steps).toEqual([expect.objectContaining({ action: "everything.get-sum", inputs: { a: { kind: "literal", value: 2 }, b: { kind: "literal", value: 3 } } })]);
  });

  it("checks a step's input against the tool's inputSchema before calling it", async () => {
    const plan = planOf(["everything"], step("sum", "everything.get-sum", { a: "two", b: 3 }));
    expect(validatePlan(plan, registry.catalog).issues.map((i) => i.code)).toContain("invalid_literal");
  });

  it("turns progress notifications into step.progress events, and a cancel into MCP cancellation that ends the call", async () => {
    const bus = new InProcessEventBus();
    const h = makeHarness(db, [], { registry, bus });
    const plan = planOf(["everything"], step("long", "everything.trigger-long-running-operation", { duration: 120, steps: 240 }));
    const progressed = eventOf(bus, (e) => e.type === "step.progress");
    const runId = await h.engine.start({ planVersionId: await h.savePlan(plan) });
    const progress = await progressed;
    expect(progress).toMatchObject({ runId, stepId: "long", data: { fraction: expect.any(Number) } });
    await h.engine.cancel(runId);
    const done = await h.engine.wait(runId);
    expect(done.run.status).toBe("cancelled");
    expect(done.steps[0].status).toBe("cancelled");
    // The server is still there and answers the next call.
    const again = await h.engine.run({ planVersionId: await h.savePlan(planOf(["everything"], step("sum", "everything.get-sum", { a: 1, b: 1 }))) });
    expect(again.run.status).toBe("succeeded");
  });

  it("ends a call at the step's timeout (the server is told to cancel) and fails the step as a timeout", async () => {
    const h = makeHarness(db, [], { registry });
    const plan = planOf(["everything"], { ...step("long", "everything.trigger-long-running-operation", { duration: 120, steps: 4 }), timeoutMs: 1000 });
    const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
    expect(done.run.status).toBe("failed");
    expect(done.steps[0].failure).toMatchObject({ code: "timeout" });
    const again = await h.engine.run({ planVersionId: await h.savePlan(planOf(["everything"], step("sum", "everything.get-sum", { a: 4, b: 5 }))) });
    expect(again.steps[0].output).toMatchObject({ text: "The sum of 4 and 5 is 9." });
  });

  it("a server killed mid-run fails the step clearly, shows as unavailable, and comes back", async () => {
    const bus = new InProcessEventBus();
    const h = makeHarness(db, [], { registry, bus });
    const plan = planOf(["everything"], step("long", "everything.trigger-long-running-operation", { duration: 120, steps: 240 }));
    const progressed = eventOf(bus, (e) => e.type === "step.progress");
    const runId = await h.engine.start({ planVersionId: await h.savePlan(plan) });
    await progressed;
    const down = until(mcp, () => registry.catalog.sources[0]?.status === "unavailable");
    process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGKILL");
    const done = await h.engine.wait(runId);
    expect(done.run.status).toBe("failed");
    expect(done.steps[0].failure).toMatchObject({ code: "action_error", actionCode: "server_unavailable" });
    expect(done.steps[0].failure!.message).toMatch(/MCP server "everything" stopped during the call/);
    await down;
    // While it is down a plan that uses it does not validate, and says why (unless it came back already).
    const source = registry.catalog.sources[0];
    if (source.status === "unavailable") {
      const issues = validatePlan(planOf(["everything"], step("sum", "everything.get-sum", { a: 1, b: 2 })), registry.catalog).issues;
      expect(issues[0]).toMatchObject({ code: "action_unavailable", stepId: "sum" });
      expect(issues[0].message).toMatch(/cannot run now: its MCP server is unavailable/);
    }
    await until(mcp, () => registry.catalog.sources[0]?.status === "ok");
    const again = await h.engine.run({ planVersionId: await h.savePlan(planOf(["everything"], step("sum", "everything.get-sum", { a: 2, b: 3 }))) });
    expect(again.run.status).toBe("succeeded");
  });
});

describe("a small server of the tests' own (tests/support/mcp-growing-server.mjs)", () => {
  let db: Database;
  let mcp: McpServers;
  let registry: LiveRegistry;
  const bus = new InProcessEventBus();
  beforeAll(async () => {
    db = await freshDatabase("pglite");
    mcp = servers({ growing: { command: process.execPath, args: [path.join(ROOT, "tests/support/mcp-growing-server.mjs")], env: {} } });
    await mcp.start();
    registry = new LiveRegistry([], [], mcp);
  });
  afterAll(async () => {
    await mcp?.close();
    await db?.close();
  });

  it("refreshes the catalog on tools/list_changed", async () => {
    expect(registry.catalog.list().map((a) => a.id)).toEqual(["growing.grow", "growing.last-wait", "growing.say", "growing.wait"]);
    const h = makeHarness(db, [], { registry });
    const grown = until(mcp, () => registry.catalog.has("growing.grown"));
    const done = await h.engine.run({ planVersionId: await h.savePlan(planOf(["growing"], step("grow", "growing.grow", {}))) });
    expect(done.run.status).toBe("succeeded");
    await grown;
    expect(registry.catalog.get("growing.grown")).toMatchObject({ effect: "read", description: "A tool that appeared later" });
    expect(registry.catalog.sources[0].actions).toBe(5);
  });

  it("a cancel tells the server (notifications/cancelled): the tool's own signal aborts; its log messages are the step's logs", async () => {
    const h = makeHarness(db, [], { registry, bus });
    const started = eventOf(bus, (e) => e.type === "step.started");
    const runId = await h.engine.start({ planVersionId: await h.savePlan(planOf(["growing"], step("wait", "growing.wait", {}))) });
    await started;
    const lastWait = async () => ((await h.engine.run({ planVersionId: await h.savePlan(planOf(["growing"], step("last", "growing.last-wait", {}))) })).steps[0].output as { text: string }).text;
    await expect.poll(lastWait, { timeout: 30_000 }).toBe("waiting");
    await h.engine.cancel(runId);
    expect((await h.engine.wait(runId)).run.status).toBe("cancelled");
    await expect.poll(lastWait, { timeout: 30_000 }).toBe("cancelled");

    // A log message the server sends during a call is a log of the step that calls it.
    const said = await h.engine.run({ planVersionId: await h.savePlan(planOf(["growing"], step("say", "growing.say", {}))) });
    expect(said.run.status).toBe("succeeded");
    const logs = (await h.store.events(said.run.id)).filter((e) => e.type === "step.log");
    expect(logs).toEqual([expect.objectContaining({ stepId: "say", data: expect.objectContaining({ level: "warn", message: "growing: the disk is nearly full" }) })]);
  });
});

describe("a server that is down", () => {
  it("is unavailable with its reason, its plans validate with a clear issue, and nothing else is held up", async () => {
    const mcp = servers({ nowhere: { command: "trellis-no-such-mcp-server", args: [], env: {} } });
    try {
      await mcp.start();
      const registry = new LiveRegistry([], [], mcp);
      expect(registry.catalog.sources).toEqual([expect.objectContaining({ id: "nowhere", status: "unavailable", reason: expect.stringMatching(/command was not found/), actions: 0 })]);
      const issues = validatePlan(planOf(["nowhere"], step("x", "nowhere.anything", {})), registry.catalog).issues;
      expect(issues[0]).toMatchObject({ code: "action_unavailable", stepId: "x" });
      expect(issues[0].message).toMatch(/nowhere is unavailable: its command was not found/);
    } finally {
      await mcp.close();
    }
  });
});

describe("server-filesystem confined to a temporary folder", () => {
  let db: Database;
  let mcp: McpServers;
  const folder = mkdtempSync(path.join(os.tmpdir(), "trellis-mcp-fs-"));
  beforeAll(async () => {
    db = await freshDatabase("pglite");
    mcp = servers({ files: { command: process.execPath, args: [FILESYSTEM, folder], env: {} } });
    await mcp.start();
  });
  afterAll(async () => {
    await mcp?.close();
    await db?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("writes a file after approval (a destructive tool) and reads it back; a tool error fails the step with the tool's message", async () => {
    const registry = new LiveRegistry([], [], mcp);
    expect(registry.catalog.get("files.write_file")).toMatchObject({ effect: "write", approval: true });
    expect(registry.catalog.get("files.read_text_file")).toMatchObject({ effect: "read", approval: false });
    const h = makeHarness(db, [], { registry });
    const target = path.join(folder, "hello.txt");
    const plan: Plan = {
      goal: "write a file and read it back",
      flows: ["files"],
      inputs: [],
      steps: [step("write", "files.write_file", { path: target, content: "hello from Trellis" }), { ...step("read", "files.read_text_file", { path: target }), after: ["write"] }],
      outputs: { text: { kind: "step", step: "read", path: ["content"] } },
    };
    expect(validatePlan(plan, registry.catalog).valid).toBe(true);
    const waiting = await h.engine.run({ planVersionId: await h.savePlan(plan) }, { untilApproval: true });
    expect(waiting.run.status).toBe("awaiting_approval");
    expect(existsSync(target)).toBe(false);
    await h.engine.approve(waiting.run.id, "write");
    const done = await h.engine.wait(waiting.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(readFileSync(target, "utf8")).toBe("hello from Trellis");
    expect(done.run.outputs).toEqual({ text: "hello from Trellis" });

    const missing = await h.engine.run({ planVersionId: await h.savePlan(planOf(["files"], step("read", "files.read_text_file", { path: path.join(folder, "missing.txt") }))) });
    expect(missing.run.status).toBe("failed");
    expect(missing.steps[0].failure).toMatchObject({ code: "action_error", actionCode: "tool_error" });
    expect(missing.steps[0].failure!.message).toMatch(/ENOENT|no such file/i);
  });
});

describe("server-everything over streamable HTTP", () => {
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill(); });

  it("connects by URL (retrying until the server listens) and calls get-sum", async () => {
    const port = await freePort();
    child = spawn(process.execPath, [EVERYTHING, "streamableHttp"], { env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
    const mcp = servers({ remote: { url: `http://127.0.0.1:${port}/mcp`, headers: {} } });
    const db = await freshDatabase("pglite");
    try {
      void mcp.start();
      await until(mcp, () => mcp.sources()[0].status === "ok");
      const registry = new LiveRegistry([], [], mcp);
      expect(registry.catalog.sources[0]).toMatchObject({ id: "remote", status: "ok", actions: 13, detail: `http://127.0.0.1:${port}/mcp` });
      const h = makeHarness(db, [], { registry });
      const done = await h.engine.run({ planVersionId: await h.savePlan(planOf(["remote"], step("sum", "remote.get-sum", { a: 2, b: 3 }))) });
      expect(done.run.status).toBe("succeeded");
      expect(done.steps[0].output).toMatchObject({ text: "The sum of 2 and 3 is 5." });
    } finally {
      await mcp.close();
      await db.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
