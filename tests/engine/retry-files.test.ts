/**
 * A retried run sees exactly the files its reused steps wrote: they come from the run it
 * retries (hard-linked), a step whose file changed since is run again instead of reused, and
 * the retry writing over an inherited file leaves the earlier run's file as it was.
 */
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan, Step } from "../../lib/core";
import { isolatedHarnessForSuite } from "../support/step-workers";
import { lit } from "../support/bindings";

const ref = (step: string, ...p: string[]) => ({ kind: "step" as const, step, ...(p.length ? { path: p } : {}) });
const workspace = (runId: string) => path.join(os.tmpdir(), "trellis-test-workspaces", runId);

// `read` takes its path from the plan input, so a retry with the right path runs it again
// while `write` (which uses no input) is reused.
const plan: Plan = {
  goal: "retry keeps files",
  flows: [],
  inputs: [{ name: "p", schema: { type: "string" } }],
  outputs: { text: ref("read", "content") },
  steps: [
    { id: "write", action: "files.write", inputs: { path: lit("out/a.txt"), content: lit("hello") } },
    { id: "read", action: "files.read", inputs: { path: { kind: "input", name: "p" } }, after: ["write"] },
    { id: "over", action: "files.write", inputs: { path: lit("out/a.txt"), content: ref("read", "content") }, after: ["read"] },
  ] satisfies Step[],
};

describe("retry and workspace files", () => {
  const t = isolatedHarnessForSuite();

  it("a reused files.write followed by a files.read reads the file the reused step wrote", async () => {
    const v = await t.h.savePlan(plan);
    const first = await t.h.engine.run({ planVersionId: v, inputs: { p: "missing.txt" } });
    expect(first.run.status).toBe("failed");
    const retryId = await t.h.engine.retry(first.run.id, { inputs: { p: "out/a.txt" } });
    const second = await t.h.engine.wait(retryId);
    expect(second.run).toMatchObject({ status: "succeeded", outputs: { text: "hello" } });
    expect(second.steps.find((s) => s.stepId === "write")?.reusedFromRunId).toBe(first.run.id);
    // The retry wrote over its copy; the earlier run's file is untouched.
    expect(await readFile(path.join(workspace(first.run.id), "out/a.txt"), "utf8")).toBe("hello");
    expect(await readFile(path.join(workspace(retryId), "out/a.txt"), "utf8")).toBe("hello");
  });

  it("a step whose file changed after it wrote it is run again, not reused", async () => {
    const v = await t.h.savePlan(plan);
    const first = await t.h.engine.run({ planVersionId: v, inputs: { p: "missing.txt" } });
    await writeFile(path.join(workspace(first.run.id), "out/a.txt"), "changed by someone else");
    const retryId = await t.h.engine.retry(first.run.id, { inputs: { p: "out/a.txt" } });
    const second = await t.h.engine.wait(retryId);
    expect(second.run).toMatchObject({ status: "succeeded", outputs: { text: "hello" } });
    expect(second.steps.find((s) => s.stepId === "write")?.reusedFromRunId ?? null).toBeNull();
  });
});
