/**
 * API contract: every operation in /api/openapi.json is called on the BUILT app (`next start`
 * on a fresh data folder; run `npx next build` first), and every answer, success or error,
 * must have a documented status and fit the documented schema. Bad requests must be 4xx JSON
 * errors naming the problem, and must not write anything.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse } from "../../lib/contract/sse";
import { answerProblems, operation, type Doc, type OperationDoc } from "../support/openapi-check";
import { startBuiltApp } from "../support/built-app";

let app: { baseUrl: string; stop(): Promise<void> };
let doc: Doc;
const exercised = new Set<string>();
const problems: string[] = [];
const EXAMPLE = JSON.parse(readFileSync(path.join(process.cwd(), "examples", "revenue-by-region.json"), "utf8")) as Record<string, unknown>;
const MISSING = "00000000-0000-4000-8000-000000000000";

interface Call {
  query?: Record<string, string>;
  body?: unknown;
  /** a body sent as is (not JSON-encoded) */
  raw?: string;
  headers?: Record<string, string>;
}

/** Calls one documented operation; the answer is checked against the document. */
async function call<T = Record<string, unknown>>(method: string, template: string, params: Record<string, string> = {}, c: Call = {}): Promise<{ status: number; body: T }> {
  const op = operation(doc, method, template);
  const url = new URL(template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k])), app.baseUrl);
  for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: { ...(c.body !== undefined || c.raw !== undefined ? { "content-type": "application/json" } : {}), ...c.headers },
    body: c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body)),
  });
  const type = res.headers.get("content-type") ?? "";
  const body = (type.includes("json") ? await res.json() : await res.text()) as T;
  exercised.add(`${op.operationId} ${res.status}`);
  problems.push(...answerProblems(doc, op, res.status, type, body));
  if (res.status >= 400) {
    expect(type, `${method} ${template} ${res.status} answers JSON`).toContain("application/json");
    const error = (body as { error?: { code?: string; message?: string } }).error;
    expect(error?.message, `${method} ${template} ${res.status} names the problem`).toBeTruthy();
  }
  return { status: res.status, body };
}

/** Reads an SSE answer until `stop` says so; every event's data is checked against the document. */
async function sse(method: string, template: string, params: Record<string, string>, body: unknown, stop: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>[]> {
  const op = operation(doc, method, template);
  const url = new URL(template.replace(/\{(\w+)\}/g, (_, k: string) => params[k]), app.baseUrl);
  const ac = new AbortController();
  const res = await fetch(url, { method, signal: ac.signal, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  exercised.add(`${op.operationId} ${res.status}`);
  const seen: Record<string, unknown>[] = [];
  for await (const m of readSse(res.body!)) {
    const data = JSON.parse(m.data) as Record<string, unknown>;
    problems.push(...answerProblems(doc, op, res.status, "text/event-stream", data));
    seen.push(data);
    if (stop(data)) break;
  }
  ac.abort();
  return seen;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const runStatus = async (runId: string) => (await call<{ run: { status: string } }>("GET", "/api/runs/{id}", { id: runId })).body.run.status;
const settled = (runId: string, statuses: string[]) => until(`run ${runId} to be ${statuses.join(" or ")}`, async () => {
  const s = await runStatus(runId);
  return statuses.includes(s) ? s : undefined;
});

beforeAll(async () => {
  app = await startBuiltApp();
  doc = (await (await fetch(`${app.baseUrl}/api/openapi.json`)).json()) as Doc;
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

// Each case starts several processes; a loaded machine (the whole suite on 2 cores) needs the room.
describe("the REST API against its OpenAPI document (built app)", { timeout: 120_000 }, () => {
  let planId = "";
  let runId = "";
  /** A run of the example plan stopped at its write step, waiting for approval. */
  const waitingRun = async () => {
    const { body } = await call<{ runId: string }>("POST", "/api/plans/{id}/runs", { id: planId }, { body: { options: { approveWrites: true } } });
    await settled(body.runId, ["awaiting_approval"]);
    return body.runId;
  };

  it("serves an OpenAPI 3.1 document", async () => {
    const { status, body } = await call<{ openapi: string; paths: object }>("GET", "/api/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    expect(Object.keys(body.paths).length).toBeGreaterThan(20);
  });

  it("flows and actions", async () => {
    expect((await call("GET", "/api/flows")).status).toBe(200);
    const flow = await call<{ actions: { id: string }[] }>("GET", "/api/flows/{id}", { id: "data" });
    expect(flow.body.actions.map((a) => a.id)).toContain("data.load_csv");
    expect((await call("GET", "/api/flows/{id}", { id: "nope" })).status).toBe(404);
  });

  it("plans: import, read, update as a new version, versions, restore, diff", async () => {
    const bad = await call("POST", "/api/plans/import", {}, { body: { plan: { goal: 1 } } });
    expect(bad.status).toBe(400);
    expect((await call("POST", "/api/plans/import", {}, { raw: "{ not json" })).status).toBe(400);
    expect((await call("POST", "/api/plans/import", {}, { raw: "{}", headers: { "content-type": "text/csv" } })).status).toBe(415);

    const imported = await call<{ planId: string; valid: boolean }>("POST", "/api/plans/import", {}, { body: { plan: EXAMPLE, note: "contract test" } });
    expect(imported.status).toBe(201);
    expect(imported.body.valid).toBe(true);
    planId = imported.body.planId;

    expect((await call("GET", "/api/plans/{id}", { id: planId })).status).toBe(200);
    expect((await call("GET", "/api/plans/{id}", { id: "not-an-id" })).status).toBe(400);
    expect((await call("GET", "/api/plans/{id}", { id: MISSING })).status).toBe(404);

    const edited = { ...EXAMPLE, goal: `${EXAMPLE.goal as string} (edited)` };
    const saved = await call<{ version: { id: string; number: number } }>("PUT", "/api/plans/{id}", { id: planId }, { body: { plan: edited, note: "edit" } });
    expect(saved.status).toBe(200);
    expect(saved.body.version.number).toBe(2);
    expect((await call("PUT", "/api/plans/{id}", { id: planId }, { body: { plan: { goal: "x" } } })).status).toBe(422);
    const versions = await call<{ versions: { id: string }[] }>("GET", "/api/plans/{id}/versions", { id: planId });
    const v1 = versions.body.versions.at(-1)!.id;
    expect((await call("PUT", "/api/plans/{id}", { id: planId }, { body: { plan: EXAMPLE, baseVersionId: v1 } })).status).toBe(409);
    expect((await call("GET", "/api/plans/{id}/versions/{versionId}", { id: planId, versionId: "1" })).status).toBe(200);
    expect((await call("GET", "/api/plans/{id}/versions/{versionId}", { id: planId, versionId: "v9" })).status).toBe(404);
    expect((await call("GET", "/api/plans/{id}/diff", { id: planId })).status).toBe(200);
    expect((await call("GET", "/api/plans/{id}/diff", { id: planId }, { query: { from: "1", to: "2" } })).status).toBe(200);
    expect((await call("POST", "/api/plans/{id}/versions/{versionId}/restore", { id: planId, versionId: "1" })).status).toBe(200);

    // Refine: a proposal against the latest version, nothing saved.
    const refined = await call<{ plan: { steps: unknown[] }; diff: { same: boolean }; valid: boolean }>("POST", "/api/plans/{id}/refine", { id: planId }, { body: { instruction: "also chart the revenue by region" } });
    expect(refined.status).toBe(200);
    expect(refined.body.plan.steps.length).toBeGreaterThan(0);
    expect((await call<{ versions: unknown[] }>("GET", "/api/plans/{id}/versions", { id: planId })).body.versions).toHaveLength(3);
    expect((await call("POST", "/api/plans/{id}/refine", { id: planId }, { body: { instruction: "x" } })).status).toBe(400);
    expect((await call("POST", "/api/plans/{id}/refine", { id: MISSING }, { body: { instruction: "add a chart" } })).status).toBe(404);
    expect((await call("POST", "/api/plans/{id}/refine", { id: planId }, { body: { instruction: "add a chart", plan: { goal: 1 } } })).status).toBe(422);

    // A plan file in its other forms: the compact `${...}` text form, an exported version.
    const compact = { goal: "Load the sample sales", flows: ["data"], steps: [{ id: "load", action: "data.load_csv", inputs: { path: "sample:sales.csv" } }], outputs: { table: "${steps.load.output.table}" } };
    for (const plan of [compact, { id: "v-elsewhere", number: 3, note: null, plan: EXAMPLE }]) {
      const other = await call<{ planId: string; valid: boolean }>("POST", "/api/plans/import", {}, { body: { plan } });
      expect(other.status).toBe(201);
      expect(other.body.valid).toBe(true);
      expect((await call("DELETE", "/api/plans/{id}", { id: other.body.planId })).status).toBe(200);
    }

    const spare = await call<{ planId: string }>("POST", "/api/plans/import", {}, { body: { plan: EXAMPLE } });
    expect((await call("DELETE", "/api/plans/{id}", { id: spare.body.planId })).status).toBe(200);
    expect((await call("DELETE", "/api/plans/{id}", { id: spare.body.planId })).status).toBe(404);
    expect((await call("GET", "/api/plans/{id}", { id: spare.body.planId })).status).toBe(404);
  });

  it("plans: archive and unarchive, delete with runs, never under an active run", async () => {
    const imported = await call<{ planId: string }>("POST", "/api/plans/import", {}, { body: { plan: EXAMPLE } });
    const id = imported.body.planId;
    const archived = await call<{ id: string; archivedAt: string | null }>("POST", "/api/plans/{id}/archive", { id });
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).toBeTruthy();
    // Archiving again keeps the first time; the plan still reads and runs.
    expect((await call<{ archivedAt: string }>("POST", "/api/plans/{id}/archive", { id })).body.archivedAt).toBe(archived.body.archivedAt);
    const detail = await call<{ plan: { archivedAt: string | null; runs: { total: number; active: number } } }>("GET", "/api/plans/{id}", { id });
    expect(detail.body.plan).toMatchObject({ archivedAt: archived.body.archivedAt, runs: { total: 0, active: 0 } });

    const started = await call<{ runId: string }>("POST", "/api/plans/{id}/runs", { id }, { body: { options: { approveWrites: true } } });
    await settled(started.body.runId, ["awaiting_approval"]);
    const runIds = async (archivedFilter: string) => (await call<{ runs: { id: string }[] }>("GET", "/api/runs", {}, { query: { archived: archivedFilter, limit: "500" } })).body.runs.map((r) => r.id);
    expect(await runIds("exclude")).not.toContain(started.body.runId);
    expect(await runIds("only")).toContain(started.body.runId);
    expect(await runIds("include")).toContain(started.body.runId);
    expect((await call("GET", "/api/runs", {}, { query: { archived: "maybe" } })).status).toBe(400);
    const planIds = async (archivedFilter: string) => (await call<{ plans: { id: string }[] }>("GET", "/api/plans", {}, { query: { archived: archivedFilter, limit: "500" } })).body.plans.map((p) => p.id);
    expect(await planIds("exclude")).not.toContain(id);
    expect(await planIds("only")).toContain(id);
    expect((await call("GET", "/api/plans", {}, { query: { limit: "0" } })).status).toBe(400);

    // A run that has not ended keeps its plan, even with withRuns.
    const refused = await call<{ error: { message: string } }>("DELETE", "/api/plans/{id}", { id }, { query: { withRuns: "true" } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("not ended");
    expect((await call<{ plan: { runs: { active: number } } }>("GET", "/api/plans/{id}", { id })).body.plan.runs.active).toBe(1);
    expect((await call("POST", "/api/runs/{id}/cancel", { id: started.body.runId })).status).toBe(200);
    await settled(started.body.runId, ["cancelled"]);
    const kept = await call<{ error: { message: string } }>("DELETE", "/api/plans/{id}", { id });
    expect(kept.status).toBe(409);
    expect(kept.body.error.message).toContain("withRuns=true");
    expect((await call("DELETE", "/api/plans/{id}", { id }, { query: { withRuns: "yes" } })).status).toBe(400);

    const unarchived = await call<{ archivedAt: string | null }>("DELETE", "/api/plans/{id}/archive", { id });
    expect(unarchived.status).toBe(200);
    expect(unarchived.body.archivedAt).toBeNull();
    expect(await runIds("exclude")).toContain(started.body.runId);

    const deleted = await call<{ deleted: boolean; runsDeleted: number }>("DELETE", "/api/plans/{id}", { id }, { query: { withRuns: "true" } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true, runsDeleted: 1 });
    expect((await call("GET", "/api/runs/{id}", { id: started.body.runId })).status).toBe(404);
    expect((await call("GET", "/api/plans/{id}", { id })).status).toBe(404);
    expect((await call("POST", "/api/plans/{id}/archive", { id })).status).toBe(404);
    expect((await call("DELETE", "/api/plans/{id}/archive", { id: MISSING })).status).toBe(404);
    expect((await call("POST", "/api/plans/{id}/archive", { id: "not-an-id" })).status).toBe(400);
    expect((await call("DELETE", "/api/plans/{id}/archive", { id: "not-an-id" })).status).toBe(400);
  });

  it("plans: publish as an MCP tool and unpublish; a plan without inputs and outputs is refused", async () => {
    const { planId } = (await call<{ planId: string }>("POST", "/api/plans/import", {}, { body: { plan: EXAMPLE } })).body;
    const published = await call<{ published: boolean }>("POST", "/api/plans/{id}/publish", { id: planId });
    expect(published.status).toBe(200);
    expect(published.body.published).toBe(true);
    const unpublished = await call<{ published: boolean }>("DELETE", "/api/plans/{id}/publish", { id: planId });
    expect(unpublished.status).toBe(200);
    expect(unpublished.body.published).toBe(false);
    const bare = (await call<{ planId: string }>("POST", "/api/plans/import", {}, { body: { plan: { goal: "nothing to expose", flows: [], inputs: [], outputs: {}, steps: [{ id: "a", action: "text.count_words", inputs: { text: { kind: "literal", value: "a b" } } }] } } })).body;
    expect((await call("POST", "/api/plans/{id}/publish", { id: bare.planId })).status).toBe(422);
    expect((await call("POST", "/api/plans/{id}/publish", { id: MISSING })).status).toBe(404);
  });

  it("plans: create from a goal, stream the planning, parse inputs", async () => {
    const planned = await call<{ planId: string; status: string }>("POST", "/api/plans", {}, { body: { goal: "Load the sample sales CSV and total revenue by region", flows: ["data"] } });
    expect(planned.status).toBe(201);
    expect((await call("POST", "/api/plans", {}, { body: { goal: "" } })).status).toBe(400);
    expect((await call("POST", "/api/plans", {}, { body: { goal: "x", flows: ["nope"] } })).status).toBe(400);
    const chunks = await sse("POST", "/api/plans/stream", {}, { goal: "Summarise the sample sales CSV by product" }, (d) => d.type === "done" || d.type === "error");
    expect(chunks.at(-1)?.type).toBe("done");
    expect((await call("POST", "/api/plans/stream", {}, { body: { goal: 5 } })).status).toBe(400);
    const parsed = await call<{ values: Record<string, unknown> }>("POST", "/api/plans/parse-inputs", {}, { body: { message: "report_path = out/x.md", inputs: [{ name: "report_path", schema: { type: "string" } }] } });
    expect(parsed.status).toBe(200);
    expect(parsed.body.values.report_path).toBe("out/x.md");
    expect((await call("POST", "/api/plans/parse-inputs", {}, { body: { message: "x" } })).status).toBe(400);
  });

  it("runs: start, follow over SSE, list, get, view, events as JSON", async () => {
    expect((await call("POST", "/api/plans/{id}/runs", { id: MISSING }, { body: {} })).status).toBe(404);
    // A version of another plan never runs under this plan's name.
    const other = await call<{ planId: string; versionId: string }>("POST", "/api/plans/import", {}, { body: { plan: EXAMPLE } });
    const crossed = await call<{ error: { message: string } }>("POST", "/api/plans/{id}/runs", { id: planId }, { body: { versionId: other.body.versionId, inputs: { report_path: "out/report.md" } } });
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.message).toContain("belongs to another plan");
    const started = await call<{ runId: string }>("POST", "/api/plans/{id}/runs", { id: planId }, { body: { inputs: { report_path: "out/report.md" } } });
    expect(started.status).toBe(202);
    runId = started.body.runId;
    const events = await sse("GET", "/api/runs/{id}/events", { id: runId }, undefined, (d) => d.type === "run.succeeded" || d.type === "run.failed");
    expect(events.at(-1)?.type).toBe("run.succeeded");
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    const list = await call<{ runs: { id: string }[] }>("GET", "/api/runs", {}, { query: { planId, limit: "10" } });
    expect(list.body.runs.map((r) => r.id)).toContain(runId);
    expect((await call("GET", "/api/runs", {}, { query: { status: "done" } })).status).toBe(400);
    expect((await call("GET", "/api/runs/{id}", { id: runId })).status).toBe(200);
    expect((await call("GET", "/api/runs/{id}", { id: MISSING })).status).toBe(404);
    expect((await call("GET", "/api/runs/{id}/view", { id: runId })).status).toBe(200);
    const stored = await call<{ events: unknown[] }>("GET", "/api/runs/{id}/events", { id: runId }, { query: { format: "json", lastEventId: "3" } });
    expect(stored.body.events).toHaveLength(events.length - 3);
    expect((await call("GET", "/api/runs/{id}/events", { id: MISSING }, { query: { format: "json" } })).status).toBe(404);
    expect((await call("DELETE", "/api/plans/{id}", { id: planId })).status).toBe(409);
  });

  it("runs: upload a file, then run the notes goal on it: counts.json holds the counts", async () => {
    const notes = "Plans run; plans wait.\nA plan is a graph, and a graph is a plan.";
    const up = await call<{ id: string; name: string; bytes: number }>("POST", "/api/uploads", {}, { body: { name: "notes.txt", contentBase64: Buffer.from(notes).toString("base64") } });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ name: "notes.txt", bytes: Buffer.byteLength(notes) });
    expect((await call("POST", "/api/uploads", {}, { body: { name: "../notes.txt", contentBase64: "eA==" } })).status).toBe(400);
    expect((await call("POST", "/api/uploads", {}, { raw: JSON.stringify({ name: "big.txt", contentBase64: "A".repeat(7_000_000) }) })).status).toBe(413);
    const planned = await call<{ planId: string }>("POST", "/api/plans", {}, { body: { goal: "Read notes.txt, count words, write the counts to counts.json" } });
    expect((await call("POST", "/api/plans/{id}/runs", { id: planned.body.planId }, { body: { files: [MISSING] } })).status).toBe(400);
    const started = await call<{ runId: string }>("POST", "/api/plans/{id}/runs", { id: planned.body.planId }, { body: { files: [up.body.id] } });
    expect(started.status).toBe(202);
    const events = await sse("GET", "/api/runs/{id}/events", { id: started.body.runId }, undefined, (d) => d.type === "run.succeeded" || d.type === "run.failed");
    expect(events.at(-1)?.type).toBe("run.succeeded");
    const run = await call<{ steps: { stepId: string; output: { table?: { rows: { word: string; count: number }[] }; path?: string } }[] }>("GET", "/api/runs/{id}", { id: started.body.runId });
    expect(run.body.steps.find((s) => s.stepId === "count_words")?.output.table?.rows.slice(0, 2)).toEqual([{ word: "a", count: 4 }, { word: "graph", count: 2 }]);
    expect(run.body.steps.find((s) => s.stepId === "write_file")?.output.path).toBe("counts.json");
  });

  it("runs: a large output is kept as an artifact, read a page at a time and downloaded", async () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `row ${i + 1}`).join("\n");
    const plan = { goal: "a large output", flows: [], inputs: [], steps: [{ id: "lines", action: "text.split", inputs: { text } }], outputs: {} };
    const imported = await call<{ planId: string }>("POST", "/api/plans/import", {}, { body: { plan } });
    const started = await call<{ runId: string }>("POST", "/api/plans/{id}/runs", { id: imported.body.planId }, { body: {} });
    const run = started.body.runId;
    expect(await settled(run, ["succeeded", "failed"])).toBe("succeeded");
    const detail = await call<{ steps: { stepId: string; output: { parts: { $artifact: { sha256: string; preview: { count: number } } }; count: number } }[] }>("GET", "/api/runs/{id}", { id: run });
    const parts = detail.body.steps[0].output.parts.$artifact;
    expect(parts.preview.count).toBe(40_000);
    const page = await call<{ kind: string; items: string[]; next: number | null }>("GET", "/api/runs/{id}/artifacts/{sha256}", { id: run, sha256: parts.sha256 }, { query: { offset: "39990", limit: "20" } });
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual(Array.from({ length: 10 }, (_, i) => `row ${39_991 + i}`));
    expect(page.body.next).toBeNull();
    expect((await call("GET", "/api/runs/{id}/artifacts/{sha256}", { id: run, sha256: "f".repeat(64) })).status).toBe(404);
    expect((await call("GET", "/api/runs/{id}/artifacts/{sha256}", { id: run, sha256: "../../etc" })).status).toBe(400);
    expect((await call("GET", "/api/runs/{id}/artifacts/{sha256}", { id: MISSING, sha256: parts.sha256 })).status).toBe(404);
    const file = await call<string>("GET", "/api/runs/{id}/artifacts/{sha256}/file", { id: run, sha256: parts.sha256 });
    expect(file.status).toBe(200);
    expect(file.body.split("\n").filter(Boolean)).toHaveLength(40_000);
    expect((await call("GET", "/api/runs/{id}/artifacts/{sha256}/file", { id: run, sha256: "f".repeat(64) })).status).toBe(404);
  });

  it("runs: approve, reject, cancel, retry", async () => {
    const a = await waitingRun();
    expect((await call("POST", "/api/runs/{id}/approve", { id: a }, { body: {} })).status).toBe(400);
    expect((await call("POST", "/api/runs/{id}/approve", { id: a }, { body: { stepId: "save", by: "contract test" } })).status).toBe(200);
    expect(await settled(a, ["succeeded"])).toBe("succeeded");

    const r = await waitingRun();
    expect((await call("POST", "/api/runs/{id}/reject", { id: r }, { body: { stepId: "save", comment: "not now", by: "contract test" } })).status).toBe(200);
    expect(await settled(r, ["succeeded"])).toBe("succeeded");
    // Not a clean success: the run says so, and the list finds it by its outcome.
    const rejected = await call<{ run: { outcome: string; rejected: boolean } }>("GET", "/api/runs/{id}", { id: r });
    expect(rejected.body.run).toMatchObject({ outcome: "with_rejections", rejected: true });
    expect((await call<{ run: { outcome: string } }>("GET", "/api/runs/{id}", { id: a })).body.run.outcome).toBe("clean");
    const listed = async (outcome: string) => (await call<{ runs: { id: string; steps: { skipped: number } }[] }>("GET", "/api/runs", {}, { query: { outcome, limit: "500" } })).body.runs;
    expect((await listed("with_rejections")).map((x) => x.id)).toContain(r);
    expect((await listed("with_rejections")).map((x) => x.id)).not.toContain(a);
    expect((await listed("clean")).map((x) => x.id)).toContain(a);
    expect((await listed("with_rejections")).find((x) => x.id === r)!.steps.skipped).toBeGreaterThan(0);
    expect((await call("GET", "/api/runs", {}, { query: { outcome: "sort of" } })).status).toBe(400);

    const c = await waitingRun();
    expect((await call("POST", "/api/runs/{id}/cancel", { id: c })).status).toBe(200);
    expect(await settled(c, ["cancelled"])).toBe("cancelled");
    const retried = await call<{ runId: string }>("POST", "/api/runs/{id}/retry", { id: c }, { body: { latest: true } });
    expect(retried.status).toBe(202);
  });

  it("runs: re-plan on failure, re-plan from here, accept and reject", async () => {
    const replanExample = JSON.parse(readFileSync(path.join(process.cwd(), "examples", "replan.json"), "utf8")) as Record<string, unknown>;
    const imported = await call<{ planId: string; versionId: string }>("POST", "/api/plans/import", {}, { body: { plan: replanExample, note: "contract test: re-plan" } });
    expect(imported.status).toBe(201);
    // A re-plan's version becomes the plan's latest: each run here starts on the imported one.
    const startRun = async (options: Record<string, unknown>) => (await call<{ runId: string }>("POST", "/api/plans/{id}/runs", { id: imported.body.planId }, { body: { versionId: imported.body.versionId, options } })).body.runId;
    // with the option, the run re-plans by itself and succeeds
    const auto = await startRun({ replan: { onFailure: true } });
    expect(await settled(auto, ["succeeded", "failed"])).toBe("succeeded");
    // without it, the run fails; a person asks for a re-plan and accepts it
    const failed = await startRun({});
    expect(await settled(failed, ["failed"])).toBe("failed");
    expect((await call("POST", "/api/runs/{id}/replan", { id: MISSING })).status).toBe(404);
    expect((await call("POST", "/api/runs/{id}/replan", { id: auto })).status).toBe(409);
    expect((await call("POST", "/api/runs/{id}/replan", { id: failed })).status).toBe(200);
    expect(await settled(failed, ["awaiting_approval"])).toBe("awaiting_approval");
    expect((await call("POST", "/api/runs/{id}/replan/decide", { id: failed }, { body: { decision: "maybe" } })).status).toBe(400);
    expect((await call("POST", "/api/runs/{id}/replan/decide", { id: failed }, { body: { decision: "accept", by: "contract test" } })).status).toBe(200);
    expect(await settled(failed, ["succeeded", "failed"])).toBe("succeeded");
    expect((await call("POST", "/api/runs/{id}/replan/decide", { id: failed }, { body: { decision: "reject" } })).status).toBe(409);
    // approve "ask": the run waits; rejected, it fails as it would have
    const asked = await startRun({ replan: { onFailure: true, approve: "ask" } });
    expect(await settled(asked, ["awaiting_approval"])).toBe("awaiting_approval");
    expect((await call("POST", "/api/runs/{id}/replan/decide", { id: asked }, { body: { decision: "reject", comment: "no" } })).status).toBe(200);
    expect(await settled(asked, ["failed"])).toBe("failed");
  });

  // The engine is opened by instrumentation.ts, in another bundle than the routes: its errors
  // are recognised by their marker, not by class (lib/core/errors.ts TrellisError.isInstance).
  it("runs: the engine's refusals answer 4xx, not 500", async () => {
    const status = async (method: string, url: string, body?: unknown) =>
      (await fetch(new URL(url, app.baseUrl), { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })).status;
    const a = await waitingRun();
    await status("POST", `/api/runs/${a}/cancel`);
    await settled(a, ["cancelled"]);
    expect({
      unknownInput: await status("POST", `/api/plans/${planId}/runs`, { inputs: { nope: 1 } }),
      cancelTwice: await status("POST", `/api/runs/${a}/cancel`),
      approveCancelled: await status("POST", `/api/runs/${a}/approve`, { stepId: "save" }),
      rejectUnknownStep: await status("POST", `/api/runs/${a}/reject`, { stepId: "nope" }),
      retrySucceeded: await status("POST", `/api/runs/${runId}/retry`, {}),
      retryMissing: await status("POST", `/api/runs/${MISSING}/retry`, {}),
    }).toEqual({ unknownInput: 422, cancelTwice: 409, approveCancelled: 409, rejectUnknownStep: 404, retrySucceeded: 409, retryMissing: 404 });
  });

  it("hostile input answers 4xx naming the problem, never 500, and stores nothing", async () => {
    const raw = async (method: string, url: string, body?: string, headers: Record<string, string> = {}) => {
      const res = await fetch(new URL(url, app.baseUrl), { method, headers: { "content-type": "application/json", ...headers }, body });
      return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
    };
    const before = (await call<{ runs: unknown[] }>("GET", "/api/runs", {}, { query: { limit: "500" } })).body.runs.length;
    const probes = {
      nulInGoal: await raw("POST", "/api/plans", JSON.stringify({ goal: "load\u0000 the csv" })),
      surrogateInNote: await raw("POST", "/api/plans/import", JSON.stringify({ plan: EXAMPLE, note: "\ud800" })),
      deepLiteral: await raw("POST", "/api/plans/import", `{"plan":${JSON.stringify(EXAMPLE).replace('"sample:sales.csv"', `${"[".repeat(1000)}${"]".repeat(1000)}`)}}`),
      nulInRunInput: await raw("POST", `/api/plans/${planId}/runs`, JSON.stringify({ inputs: { report_path: "out/\u0000.md" } })),
      nulInPlanId: await raw("GET", "/api/plans/%00"),
      nulInTemplateName: await raw("POST", "/api/templates", JSON.stringify({ planId, name: "x\u0000" })),
      dateOutOfRange: await raw("GET", "/api/runs?since=275760-09-14"),
      hugeLastEventId: await raw("GET", `/api/runs/${runId}/events?format=json`, undefined, { "last-event-id": "9223372036854775808" }),
      badPercentInApiPath: await raw("GET", "/api/plans/%E0%A4%A"),
      badPercentInPagePath: await raw("GET", "/runs/%zz"),
    };
    const statuses = Object.fromEntries(Object.entries(probes).map(([k, r]) => [k, r.status]));
    for (const [k, r] of Object.entries(probes)) {
      expect(r.status, `${k}: ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${k}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
    }
    expect(statuses).toMatchObject({ nulInGoal: 400, surrogateInNote: 400, deepLiteral: 400, nulInRunInput: 400, nulInTemplateName: 400, dateOutOfRange: 400, hugeLastEventId: 400, badPercentInApiPath: 400, badPercentInPagePath: 400 });
    expect(JSON.parse(probes.badPercentInApiPath.text)).toEqual({ error: { code: "bad_request", message: "The request's path is not valid percent-encoded UTF-8." } });
    expect(probes.nulInGoal.text).toContain("goal");
    expect((await call<{ runs: unknown[] }>("GET", "/api/runs", {}, { query: { limit: "500" } })).body.runs.length).toBe(before);
  });

  it("templates: list, get, instantiate, save a plan as one, delete it", async () => {
    const list = await call<{ templates: { id: string }[] }>("GET", "/api/templates");
    const count = list.body.templates.length;
    expect(list.body.templates.map((t) => t.id)).toEqual(expect.arrayContaining(["csv-report", "sql-answer", "web-digest", "web-links"]));
    expect((await call("GET", "/api/templates/{id}", { id: "csv-report" })).status).toBe(200);
    expect((await call("GET", "/api/templates/{id}", { id: "Bad_Id" })).status).toBe(400);
    expect((await call("GET", "/api/templates/{id}", { id: "nope" })).status).toBe(404);

    const preview = await call<{ planId?: string; valid: boolean }>("POST", "/api/templates/{id}/instantiate", { id: "csv-report" }, { body: { params: { group_by: "product" }, save: false } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ valid: true });
    expect(preview.body.planId).toBeUndefined();
    const made = await call<{ planId: string; url: string }>("POST", "/api/templates/{id}/instantiate", { id: "sql-answer" }, { body: { params: { question: "Top 5 customers by revenue" } } });
    expect(made.status).toBe(201);
    expect((await call("GET", "/api/plans/{id}", { id: made.body.planId })).status).toBe(200);
    const invalid = await call<{ error: { code: string; message: string; details: { problems: { param: string }[] } } }>("POST", "/api/templates/{id}/instantiate", { id: "csv-report" }, { body: { params: { aggregate: "mode", nope: 1 } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe("invalid_params");
    expect(invalid.body.error.details.problems.map((p) => p.param).sort()).toEqual(["aggregate", "nope"]);
    expect((await call("POST", "/api/templates/{id}/instantiate", { id: "nope" }, { body: {} })).status).toBe(404);

    const saved = await call<{ template: { id: string; params: { name: string }[] } }>("POST", "/api/templates", {}, { body: { planId, name: "Contract report", params: [{ name: "report_path", schema: { type: "string" } }, { name: "title", schema: { type: "string" }, bind: "literal", from: { step: "report", input: "title" } }] } });
    expect(saved.status).toBe(201);
    expect(saved.body.template.id).toBe("contract-report");
    expect(saved.body.template.params.map((p) => p.name)).toEqual(["report_path", "title"]);
    expect((await call("POST", "/api/templates", {}, { body: { planId, name: "x", id: "contract-report" } })).status).toBe(409);
    expect((await call("POST", "/api/templates", {}, { body: { plan: { goal: "x" }, name: "Broken" } })).status).toBe(422);
    expect((await call("POST", "/api/templates", {}, { body: { name: "Neither" } })).status).toBe(400);
    expect((await call("POST", "/api/templates", {}, { body: { planId: MISSING, name: "Gone" } })).status).toBe(404);
    const unrunnable = { ...EXAMPLE, steps: (EXAMPLE.steps as object[]).slice(1) };
    expect((await call("POST", "/api/templates", {}, { body: { plan: unrunnable, name: "Unrunnable" } })).status).toBe(422);
    // Nothing half-written: only the one good template was added.
    expect((await call<{ templates: unknown[] }>("GET", "/api/templates")).body.templates).toHaveLength(count + 1);

    const fromSaved = await call<{ plan: { steps: { id: string; inputs: Record<string, unknown> }[] } }>("POST", "/api/templates/{id}/instantiate", { id: "contract-report" }, { body: { params: { title: "Quarterly" }, save: false } });
    expect(fromSaved.body.plan.steps.find((s) => s.id === "report")?.inputs.title).toEqual({ kind: "literal", value: "Quarterly" });
    expect((await call("DELETE", "/api/templates/{id}", { id: "csv-report" })).status).toBe(409);
    expect((await call("DELETE", "/api/templates/{id}", { id: "contract-report" })).status).toBe(200);
    expect((await call("DELETE", "/api/templates/{id}", { id: "contract-report" })).status).toBe(404);
  });

  it("memory: a version that ran is listed; forget it, twice; bad and unknown ids", async () => {
    // runId's version ran to success in the runs test above.
    const run = await call<{ run: { planVersionId: string } }>("GET", "/api/runs/{id}", { id: runId });
    const id = `version:${run.body.run.planVersionId}`;
    const list = await call<{ items: { id: string; origin: string }[]; forgotten: number }>("GET", "/api/memory");
    expect(list.status).toBe(200);
    expect(list.body.items.map((i) => i.id)).toContain(id);
    expect(list.body.items.some((i) => i.origin === "template")).toBe(true);
    expect((await call("DELETE", "/api/memory/{id}", { id })).status).toBe(200);
    expect((await call("DELETE", "/api/memory/{id}", { id })).status).toBe(200);
    const after = await call<{ items: { id: string }[]; forgotten: number }>("GET", "/api/memory");
    expect(after.body.items.map((i) => i.id)).not.toContain(id);
    expect(after.body.forgotten).toBe(list.body.forgotten + 1);
    expect((await call("DELETE", "/api/memory/{id}", { id: "plan:nope" })).status).toBe(400);
    expect((await call("DELETE", "/api/memory/{id}", { id: `version:${MISSING}` })).status).toBe(404);
  });

  it("connections: add a stdio server, list, edit a secret, test, remove; bad names and unknown ones", async () => {
    const everything = path.join(process.cwd(), "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    const made = await call<{ name: string; status: string; secretNames: string[] }>("POST", "/api/connections", {}, { body: { kind: "mcp", name: "contract-mcp", config: { transport: "stdio", command: process.execPath, args: [everything, "stdio"] }, secrets: { TOKEN: "contract-secret-value" } } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "contract-mcp", status: "ok", secretNames: ["TOKEN"] });
    expect((await call("POST", "/api/connections", {}, { body: { kind: "mcp", name: "contract-mcp", config: { transport: "stdio", command: "true" } } })).status).toBe(409);
    expect((await call("POST", "/api/connections", {}, { body: { kind: "mcp", name: "no spaces", config: { transport: "http", url: "ftp://x" } } })).status).toBe(400);
    expect((await call("POST", "/api/connections", {}, { body: { kind: "mcp", name: "creds", config: { transport: "http", url: "https://user:pw@example.com/mcp" } } })).status).toBe(400);
    const list = await call<{ connections: { name: string }[] }>("GET", "/api/connections");
    expect(list.body.connections.map((c) => c.name)).toEqual(["contract-mcp"]);
    const edited = await call<{ secretNames: string[] }>("PUT", "/api/connections/{name}", { name: "contract-mcp" }, { body: { secrets: { TOKEN: null, OTHER: "another-value" } } });
    expect(edited.body.secretNames).toEqual(["OTHER"]);
    expect((await call("PUT", "/api/connections/{name}", { name: "nope" }, { body: {} })).status).toBe(404);
    expect((await call<{ status: string }>("POST", "/api/connections/{name}/reconnect", { name: "contract-mcp" })).body.status).toBe("ok");
    expect((await call("POST", "/api/connections/{name}/reconnect", { name: "nope" })).status).toBe(404);
    expect((await call("DELETE", "/api/connections/{name}", { name: "contract-mcp" })).status).toBe(200);
    expect((await call("DELETE", "/api/connections/{name}", { name: "contract-mcp" })).status).toBe(404);
    expect((await call("DELETE", "/api/connections/{name}", { name: "1bad" })).status).toBe(400);
  });

  it("with accounts off, the caller is the local user with every permission", async () => {
    const me = await call<{ accounts: boolean; actor: { label: string }; permissions: string[] }>("GET", "/api/me");
    expect(me.body).toMatchObject({ accounts: false, actor: { label: "local" } });
    expect(me.body.permissions).toContain("approve");
  });

  it("every answer fitted the document, and every documented success was exercised", () => {
    expect(problems).toEqual([]);
    const missing: string[] = [];
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods) as (OperationDoc & { tags?: string[] })[]) {
        // Tokens and members need accounts on: tests/api/accounts.test.ts exercises them against this document.
        if (op.tags?.includes("accounts") && op.operationId !== "getMe") continue;
        for (const status of Object.keys(op.responses)) if (status.startsWith("2") && !exercised.has(`${op.operationId} ${status}`)) missing.push(`${op.operationId} ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
