/**
 * A dry run goes all the way down: read steps run, write steps (in step workers, like every
 * built-in action) return a typed preview of their effect and the output they would have, and
 * the steps after them are resolved and checked with it. Nothing is written.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan, Step } from "../../lib/core";
import { isolatedHarnessForSuite } from "../support/step-workers";
import { lit } from "../support/bindings";

const ref = (step: string, ...p: string[]) => ({ kind: "step" as const, step, ...(p.length ? { path: p } : {}) });
const plan = (steps: Step[], outputs: Plan["outputs"] = {}): Plan => ({ goal: "dry run", flows: [], inputs: [], outputs, steps });

describe("dry run", () => {
  const t = isolatedHarnessForSuite();

  it("read → transform → write: the read runs, the write returns a diff preview, what follows is checked, nothing is written", async () => {
    const v = await t.h.savePlan(plan([
      { id: "load", action: "data.load_csv", inputs: { path: lit("sample:sales.csv") } },
      { id: "md", action: "data.to_markdown", inputs: { table: ref("load", "table"), maxRows: lit(2) } },
      { id: "save", action: "files.write", inputs: { path: lit("out/report.md"), content: ref("md", "markdown") } },
      { id: "rows", action: "data.write_file", inputs: { path: lit("out/rows.csv"), table: ref("load", "table") } },
      { id: "note", action: "text.template", inputs: { template: lit("Saved {{path}} ({{bytes}} bytes, new: {{created}})"), values: ref("save") } },
    ], { note: ref("note", "text") }));
    const done = await t.h.engine.run({ planVersionId: v, options: { dryRun: true } });
    expect(done.run.status).toBe("succeeded");
    const by = Object.fromEntries(done.steps.map((s) => [s.stepId, s]));
    expect(Object.fromEntries(done.steps.map((s) => [s.stepId, s.status]))).toEqual({ load: "succeeded", md: "succeeded", save: "skipped", rows: "skipped", note: "succeeded" });
    const markdown = (by.md.output as { markdown: string }).markdown;
    const bytes = Buffer.byteLength(markdown);
    expect(by.save.output).toEqual({ path: "out/report.md", bytes, created: true });
    expect(done.run.outputs).toEqual({ note: `Saved out/report.md (${bytes} bytes, new: true)` });

    const skipped = (await t.h.store.events(done.run.id)).filter((e) => e.type === "step.skipped");
    const save = skipped.find((e) => e.stepId === "save");
    expect(save?.type === "step.skipped" && save.data.reason).toBe(`dry run: would create out/report.md (${bytes} bytes)`);
    const preview = save?.type === "step.skipped" ? save.data.dryRun?.preview : undefined;
    expect(preview).toEqual({
      kind: "file", path: "out/report.md", bytes, exists: false,
      diff: `--- /dev/null\n+++ b/out/report.md\n@@ -0,0 +1,${markdown.trimEnd().split("\n").length} @@\n${markdown.trimEnd().split("\n").map((l) => `+${l}`).join("\n")}\n`,
    });
    const rows = skipped.find((e) => e.stepId === "rows");
    expect(rows?.type === "step.skipped" && rows.data.dryRun?.preview).toMatchObject({ kind: "file", path: "out/rows.csv", exists: false });

    const workspace = path.join(os.tmpdir(), "trellis-test-workspaces", done.run.id);
    expect(existsSync(path.join(workspace, "out"))).toBe(false);
  });

  it("a write's real problem (a path outside the workspace) fails the dry run as it would fail the run", async () => {
    const v = await t.h.savePlan(plan([
      { id: "first", action: "files.write", inputs: { path: lit("a.txt"), content: lit("x") } },
      { id: "bad", action: "files.write", inputs: { path: lit("../outside.txt"), content: lit("x") } },
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { dryRun: true, failurePolicy: "continue" } });
    expect(done.run.status).toBe("failed");
    expect(done.steps.find((s) => s.stepId === "bad")).toMatchObject({ status: "failed", failure: { actionCode: "path_outside_workspace" } });
  });
});
