import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testContext } from "../../../tests/support/action-context";
import { writeTableFileAction } from "../data/write-file";
import { unifiedDiff } from "./line-diff";
import { writeFileAction } from "./write";

let ws: string;
beforeEach(async () => { ws = await mkdtemp(path.join(os.tmpdir(), "trellis-preview-")); });
afterEach(async () => { await rm(ws, { recursive: true, force: true }); });

describe("a dry run's preview of a file write", () => {
  it("files.write gives the path, the size and a diff against the file there now, and writes nothing", async () => {
    await writeFile(path.join(ws, "report.md"), "# Report\nold line\nsame\n");
    const ctx = testContext({ workspaceDir: ws });
    const p = await writeFileAction.preview!(writeFileAction.input.parse({ path: "report.md", content: "# Report\nnew line\nsame\n" }), ctx);
    expect(p.output).toEqual({ path: "report.md", bytes: 23, created: false });
    expect(p.effect).toEqual({
      kind: "file", path: "report.md", bytes: 23, exists: true, previousBytes: 23,
      diff: "--- a/report.md\n+++ b/report.md\n@@ -1,3 +1,3 @@\n # Report\n-old line\n+new line\n same\n",
    });
    expect(await readFile(path.join(ws, "report.md"), "utf8")).toBe("# Report\nold line\nsame\n");
  });

  it("a new file is all additions; overwrite false and escapes fail as the write would", async () => {
    const ctx = testContext({ workspaceDir: ws });
    const p = await writeFileAction.preview!(writeFileAction.input.parse({ path: "out/new.md", content: "a\nb\n" }), ctx);
    expect(p.effect).toMatchObject({ kind: "file", path: "out/new.md", bytes: 4, exists: false, diff: "--- /dev/null\n+++ b/out/new.md\n@@ -0,0 +1,2 @@\n+a\n+b\n" });
    expect(existsSync(path.join(ws, "out"))).toBe(false);
    await writeFile(path.join(ws, "keep.txt"), "x");
    await expect(Promise.resolve(writeFileAction.preview!(writeFileAction.input.parse({ path: "keep.txt", content: "y", overwrite: false }), ctx))).rejects.toMatchObject({ code: "file_exists" });
    await expect(Promise.resolve(writeFileAction.preview!(writeFileAction.input.parse({ path: "../x.txt", content: "y" }), ctx))).rejects.toMatchObject({ code: "path_outside_workspace" });
  });

  it("data.write_file previews the file it would encode, with the output it would return", async () => {
    const ctx = testContext({ workspaceDir: ws });
    const p = await writeTableFileAction.preview!(writeTableFileAction.input.parse({ path: "t.csv", table: { columns: ["a"], rows: [{ a: 1 }, { a: 2 }] } }), ctx);
    expect(p.output).toEqual({ path: "t.csv", bytes: 9, created: true, rows: 2, format: "csv" });
    expect(p.effect).toMatchObject({ kind: "file", path: "t.csv", bytes: 9, exists: false });
    expect(existsSync(path.join(ws, "t.csv"))).toBe(false);
  });
});

describe("unifiedDiff", () => {
  it("keeps three lines of context, splits far-apart changes into hunks, and cuts long diffs", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const after = before.replace("line 2\n", "line two\n").replace("line 18\n", "line eighteen\n");
    const d = unifiedDiff(before, after, { from: "a", to: "b" });
    expect(d.text.match(/^@@/gm)).toHaveLength(2);
    expect(d.text).toContain("@@ -1,5 +1,5 @@\n line 1\n-line 2\n+line two\n line 3\n");
    expect(unifiedDiff("x\n", "x\n", { from: "a", to: "b" })).toEqual({ text: "", truncated: false });
    const long = unifiedDiff("", "y\n".repeat(10_000), { from: "a", to: "b" }, 500);
    expect(long.truncated).toBe(true);
    expect(long.text.length).toBeLessThan(600);
  });
});
