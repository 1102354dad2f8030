/**
 * The plan editor's page data and the planning stream pass through the one redactor, like the
 * run pages and the API answers: a secret value Trellis holds (a connection's; set here as the
 * connections set theirs) that appears in a plan literal, a goal or a planning event reaches the
 * browser as `[redacted]`. On the real composition root and a fresh embedded database.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as planStream } from "../../app/api/plans/stream/route";
import { readSse } from "../contract/sse";
import type { Plan } from "../core";
import { setSecretValues } from "./connections/redaction";
import { editorBootstrap } from "./plan-editing";
import { importPlan } from "./plans";
import { closeTrellis, getTrellis } from "./trellis";

const SECRET = "tok-9f8e7d6c5b4a";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-redaction-"));
  process.env.TRELLIS_DATA_DIR = dir;
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.DATABASE_URL;
  await getTrellis();
  setSecretValues("connection:vault", [SECRET]);
}, 300_000);

afterAll(async () => {
  setSecretValues("connection:vault", []);
  await closeTrellis();
  await rm(dir, { recursive: true, force: true });
});

describe("secrets never reach the browser", { timeout: 120_000 }, () => {
  it("the editor's page data shows a plan literal and a goal that hold a secret as [redacted]", async () => {
    const plan: Plan = {
      goal: `Write the token ${SECRET} to a file`,
      flows: ["files"],
      inputs: [],
      steps: [{ id: "save", action: "files.write", inputs: { path: { kind: "literal", value: "out/token.txt" }, content: { kind: "literal", value: `token=${SECRET}` } } }],
      outputs: {},
    };
    const { planId } = await importPlan(plan);
    const boot = await editorBootstrap(planId);
    const text = JSON.stringify(boot);
    expect(text).not.toContain(SECRET);
    expect(boot.detail.latest.plan.steps[0].inputs.content).toEqual({ kind: "literal", value: "token=[redacted]" });
    expect(boot.detail.latest.plan.goal).toBe("Write the token [redacted] to a file");
    // Base64 and URL-encoded forms are found too.
    expect(text).not.toContain(Buffer.from(SECRET).toString("base64"));
  });

  it("the planning stream's events and its last chunk show a goal that holds a secret as [redacted]", async () => {
    const res = await planStream(new Request("http://localhost/api/plans/stream", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ goal: `Write the text ${SECRET} to out/token.txt` }) }));
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const chunks: { type: string; event?: { type: string; data: { goal?: string } } }[] = [];
    let raw = "";
    for await (const m of readSse(res.body!)) {
      raw += m.data;
      const chunk = JSON.parse(m.data) as (typeof chunks)[number];
      chunks.push(chunk);
      if (chunk.type === "done" || chunk.type === "error") break;
    }
    expect(chunks.at(-1)?.type).toBe("done");
    expect(raw).not.toContain(SECRET);
    const started = chunks.find((c) => c.event?.type === "planning.started");
    expect(started?.event?.data.goal).toBe("Write the text [redacted] to out/token.txt");
  });
});
