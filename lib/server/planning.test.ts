/**
 * Planning through the composition root, on a fresh embedded database, with the LLM served by
 * the local OpenAI-compatible server: what planning answers is what the stored version records.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WireAnswer, WireStepAnswer } from "../planner/wire-plan";
import { getVersion } from "../store/plans";
import { reply, startOpenAiServer, type OpenAiTestServer, type Reply } from "../../tests/support/openai-server/server";
import { planAndSave } from "./planning";
import { closeTrellis, getTrellis } from "./trellis";

let dir: string;
let server: OpenAiTestServer;
/** what the LLM answers next */
let answer: Reply;

const read: WireStepAnswer = { id: "read", action: "files.read", label: "Read the file", inputs: [{ name: "path", value: "notes.txt" }], after: [] };
const summary: WireStepAnswer = { id: "sum", action: "text.summarize", label: "Summarize", inputs: [{ name: "text", value: "${steps.read.output.text}" }], after: [] };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-planning-"));
  server = await startOpenAiServer(() => answer);
  process.env.TRELLIS_DATA_DIR = dir;
  process.env.OPENAI_BASE_URL = server.baseUrl;
  process.env.OPENAI_API_KEY = "sk-test";
  delete process.env.DATABASE_URL;
  await getTrellis();
});

afterAll(async () => {
  await closeTrellis();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function storedIssues(versionId: string) {
  const t = await getTrellis();
  return (await getVersion(t.database.prisma, versionId))?.issues;
}

describe("planning and saving", () => {
  it("answers the issues the stored version records, when the plan uses an action of another flow", async () => {
    answer = reply.json({ inputs: [], steps: [read], outputs: [{ name: "notes", value: "${steps.read.output.text}" }] } satisfies WireAnswer);
    const saved = await planAndSave({ goal: "Read notes.txt", flows: ["data"], planner: "llm", maxAttempts: 1 });
    const { issues } = saved.result;
    // files.read is in the catalog, in another flow: not an unknown action.
    expect(issues.find((i) => i.stepId === "read")).toMatchObject({ code: "action_not_in_flow", severity: "error" });
    expect(issues.map((i) => i.code)).not.toContain("unknown_action");
    expect(saved.result.valid).toBe(false);
    expect(await storedIssues(saved.versionId!)).toEqual(issues);
  });

  it("answers the issues the stored version records, under the request's step limit", async () => {
    answer = reply.json({ inputs: [], steps: [read, summary], outputs: [{ name: "summary", value: "${steps.sum.output.summary}" }] } satisfies WireAnswer);
    const saved = await planAndSave({ goal: "Summarize notes.txt", flows: ["files", "text"], planner: "llm", maxAttempts: 1, constraints: { maxSteps: 1 } });
    expect(saved.result.issues.map((i) => i.code)).toContain("too_many_steps");
    expect(await storedIssues(saved.versionId!)).toEqual(saved.result.issues);
  });

  it("answers the issues the stored version records, when planning fails", async () => {
    answer = reply.text("I cannot plan that.");
    const saved = await planAndSave({ goal: "Summarize notes.txt", flows: ["text"], planner: "llm", maxAttempts: 1 });
    expect(saved.result).toMatchObject({ valid: false, status: "invalid", planning: { error: expect.stringContaining("Answer 1") } });
    expect(saved.result.issues.map((i) => i.code)).toContain("empty_plan");
    expect(await storedIssues(saved.versionId!)).toEqual(saved.result.issues);
  });
});
