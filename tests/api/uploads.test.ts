/**
 * Files a person gives a run (POST /api/uploads, then `files` when the run starts): the route
 * handlers are called on a real embedded database and the real engine, no built app needed.
 * The goal a new user types, "Read notes.txt, count words, write the counts to counts.json",
 * runs end to end on an uploaded notes.txt. Names that would leave the workspace, bodies too
 * large, uploads that are gone or someone else's are refused with a clear error.
 */
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as upload } from "../../app/api/uploads/route";
import { POST as startRunRoute } from "../../app/api/plans/[id]/runs/route";
import { LOCAL_ACTOR, type Actor } from "../../lib/contract/access";
import { MAX_UPLOAD_BYTES } from "../../lib/contract/uploads";
import { readSse } from "../../lib/contract/sse";
import type { RunEvent } from "../../lib/core";
import { planAndSave } from "../../lib/server/planning";
import { approveStep, cancelRun, retryRun, runDetail, runEventStream, runList } from "../../lib/server/runs";
import { importPlan } from "../../lib/server/plans";
import type { Plan } from "../../lib/core/plan";
import { closeTrellis, getTrellis } from "../../lib/server/trellis";
import { saveUpload, uploadsForRun } from "../../lib/server/uploads";

let dir: string;
const NOTES = "Plans run; plans wait.\nA plan is a graph, and a graph is a plan.";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-uploads-"));
  process.env.TRELLIS_DATA_DIR = dir;
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.DATABASE_URL;
  await getTrellis();
}, 300_000);

afterAll(async () => {
  await closeTrellis();
  await rm(dir, { recursive: true, force: true });
});

async function post(handler: (r: Request, c?: { params?: Promise<Record<string, string>> }) => Promise<Response>, url: string, body: unknown, params?: Record<string, string>) {
  const res = await handler(new Request(`http://localhost${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }), params ? { params: Promise.resolve(params) } : undefined);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

const ENDS = ["run.succeeded", "run.failed", "run.cancelled"];

/** Follows the run's events until one of `types` (by default its end); answers that event's type. */
async function runToEnd(runId: string, types = ENDS): Promise<string | undefined> {
  const ac = new AbortController();
  const stream = await runEventStream(runId, 0, ac.signal, { repeat: () => () => {} });
  let last: RunEvent | undefined;
  for await (const m of readSse(stream)) {
    last = JSON.parse(m.data) as RunEvent;
    if (types.includes(last.type)) break;
  }
  ac.abort();
  return last?.type;
}

describe("files uploaded for a run", { timeout: 180_000 }, () => {
  it("runs the notes goal on an uploaded notes.txt: counts.json in the run's workspace holds the counts", async () => {
    const up = await post(upload, "/api/uploads", { name: "notes.txt", contentBase64: b64(NOTES) });
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    expect(up.json).toMatchObject({ name: "notes.txt", bytes: Buffer.byteLength(NOTES) });

    const saved = await planAndSave({ goal: "Read notes.txt, count words, write the counts to counts.json" });
    expect(saved.result.status).toBe("ready");
    const started = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, { files: [up.json.id] }, { id: saved.planId! });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const runId = String(started.json.runId);
    expect(await runToEnd(runId)).toBe("run.succeeded");

    const workspace = path.join(dir, "runs", runId);
    const counts = JSON.parse(await readFile(path.join(workspace, "counts.json"), "utf8")) as { word: string; count: number }[];
    expect(counts.slice(0, 4)).toEqual([
      { word: "a", count: 4 },
      { word: "graph", count: 2 },
      { word: "is", count: 2 },
      { word: "plan", count: 2 },
    ]);
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(15);
    const detail = await runDetail(runId);
    expect(detail.steps.find((s) => s.stepId === saved.result.plan.steps[0].id)?.output).toMatchObject({ path: "notes.txt", content: NOTES });

    // The same upload serves another run; a run without it finds no notes.txt.
    const again = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, { files: [up.json.id] }, { id: saved.planId! });
    expect(await runToEnd(String(again.json.runId))).toBe("run.succeeded");
    const without = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, {}, { id: saved.planId! });
    expect(await runToEnd(String(without.json.runId))).toBe("run.failed");
    // Run again: the files of an earlier run of the plan, as it was given them.
    const runAgain = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, { filesOf: runId }, { id: saved.planId! });
    expect(runAgain.status, JSON.stringify(runAgain.json)).toBe(202);
    expect(await runToEnd(String(runAgain.json.runId))).toBe("run.succeeded");
    const other = await planAndSave({ goal: "Read notes.txt, count words, write the counts to counts.json" });
    const foreign = await post(startRunRoute, `/api/plans/${other.planId}/runs`, { filesOf: runId }, { id: other.planId! });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error?.message).toContain("is not a run of plan");
  });

  it("a retry of the run gets the files it was given, as they were given", async () => {
    const up = await post(upload, "/api/uploads", { name: "notes.txt", contentBase64: b64(NOTES) });
    // A person must approve the first step (which changes notes.txt); the run is cancelled while
    // it waits, so its retry runs every step again and needs notes.txt as it was given.
    const plan: Plan = {
      goal: "Change the notes once a person agrees, then read them",
      flows: ["files"],
      inputs: [],
      steps: [
        { id: "gate", action: "files.write", inputs: { path: { kind: "literal", value: "notes.txt" }, content: { kind: "literal", value: "changed" } } },
        { id: "read", action: "files.read", after: ["gate"], inputs: { path: { kind: "literal", value: "notes.txt" } } },
      ],
      outputs: {},
    };
    const { planId } = await importPlan(plan);
    const first = await post(startRunRoute, `/api/plans/${planId}/runs`, { files: [up.json.id], options: { approveWrites: true } }, { id: planId });
    const firstId = String(first.json.runId);
    expect(await runToEnd(firstId, ["run.awaiting_approval", ...ENDS])).toBe("run.awaiting_approval");
    await cancelRun(firstId, LOCAL_ACTOR);
    expect(await runToEnd(firstId)).toBe("run.cancelled");
    const { runId: retryId } = await retryRun(firstId, {});
    expect(await readFile(path.join(dir, "runs", retryId, "notes.txt"), "utf8")).toBe(NOTES);
    expect(await runToEnd(retryId, ["run.awaiting_approval", ...ENDS])).toBe("run.awaiting_approval");
    await approveStep(retryId, { stepId: "gate" }, LOCAL_ACTOR);
    expect(await runToEnd(retryId)).toBe("run.succeeded");
    expect((await runDetail(retryId)).steps.find((s) => s.stepId === "read")?.output).toMatchObject({ content: "changed" });
  });

  it("puts a file at a relative path, and refuses names that would leave the workspace or hide in it", async () => {
    expect((await post(upload, "/api/uploads", { name: "in/data.csv", contentBase64: b64("a,b\n1,2\n") })).status).toBe(201);
    for (const name of ["../notes.txt", "/etc/passwd", "in/../../x", ".trellis-artifacts/x", ".env", "a\\b.txt", "C:/x", "", " lead.txt", "a/b/c/d/e.txt", "nul\u0000.txt", "x".repeat(201)]) {
      const r = await post(upload, "/api/uploads", { name, contentBase64: b64("x") });
      expect(r.status, name).toBe(400);
      expect(r.json.error?.message, name).toBeTruthy();
    }
    const notBase64 = await post(upload, "/api/uploads", { name: "x.txt", contentBase64: "not base64!" });
    expect(notBase64.status).toBe(400);
    expect(notBase64.json.error?.message).toContain("contentBase64");
  });

  it("refuses a file larger than the limit with 413, and keeps nothing of it", async () => {
    const before = await readdir(path.join(dir, "uploads")).catch(() => []);
    const big = await post(upload, "/api/uploads", { name: "big.bin", contentBase64: Buffer.alloc(MAX_UPLOAD_BYTES + 1).toString("base64") });
    expect(big.status).toBe(413);
    expect(big.json.error?.code).toBe("too_large");
    const huge = await post(upload, "/api/uploads", `{"name":"huge.bin","contentBase64":"${"A".repeat(8_000_000)}"}`);
    expect(huge.status).toBe(413);
    expect(await readdir(path.join(dir, "uploads")).catch(() => [])).toEqual(before);
  });

  it("a run refuses an upload that does not exist, two files of one name, and is not started", async () => {
    const saved = await planAndSave({ goal: "Read notes.txt, count words, write the counts to counts.json" });
    const gone = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, { files: ["00000000-0000-4000-8000-000000000000"] }, { id: saved.planId! });
    expect(gone.status).toBe(400);
    expect(gone.json.error).toMatchObject({ code: "upload_not_found", message: expect.stringContaining("upload the file again") });
    const a = await post(upload, "/api/uploads", { name: "same.txt", contentBase64: b64("a") });
    const b = await post(upload, "/api/uploads", { name: "same.txt", contentBase64: b64("b") });
    const twice = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, { files: [a.json.id, b.json.id] }, { id: saved.planId! });
    expect(twice.status).toBe(400);
    expect(twice.json.error?.code).toBe("duplicate_file_name");
    const notId = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, { files: ["../../etc"] }, { id: saved.planId! });
    expect(notId.status).toBe(400);
    const many = await post(startRunRoute, `/api/plans/${saved.planId}/runs`, { files: Array.from({ length: 21 }, () => a.json.id) }, { id: saved.planId! });
    expect(many.status).toBe(400);
    expect((await runList({ planId: saved.planId!, limit: 50 })).runs).toEqual([]);
  });

  it("an upload is its uploader's: another person cannot hand it to a run", async () => {
    const person = (userId: string): Actor => ({ kind: "person", userId, name: userId, email: `${userId}@example.com`, role: "editor", label: userId, permissions: ["read", "edit", "run"] });
    const mine = await saveUpload({ name: "mine.txt", contentBase64: b64("mine") }, person("ada"));
    expect(await uploadsForRun([mine.id], person("ada"))).toEqual([{ path: "mine.txt", source: path.join(dir, "uploads", mine.id, "file") }]);
    await expect(uploadsForRun([mine.id], person("bob"))).rejects.toMatchObject({ status: 400, code: "upload_not_found" });
  });
});
