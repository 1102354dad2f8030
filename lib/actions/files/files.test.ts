import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAction, testContext } from "../../../tests/support/action-context";
import { listFilesAction } from "./list";
import { readFileAction } from "./read";
import { UNDO_DIR } from "./undo-backup";
import { writeFileAction } from "./write";
import { resolveWorkspacePath } from "./workspace-path";

let tmp: string;
let ws: string;
let outside: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "trellis-files-"));
  ws = path.join(tmp, "workspace");
  outside = path.join(tmp, "outside");
  await mkdir(path.join(ws, "notes"), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, "secret.txt"), "top secret");
  await writeFile(path.join(ws, "notes", "a.md"), "# A\n");
  await writeFile(path.join(ws, "data.csv"), "x\n1\n");
  await symlink(outside, path.join(ws, "escape"));
  await symlink(path.join(outside, "secret.txt"), path.join(ws, "secret-link.txt"));
  await symlink(path.join(outside, "not-yet.txt"), path.join(ws, "dangling.txt"));
  await symlink(path.join(ws, "notes"), path.join(ws, "notes-link"));
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("resolveWorkspacePath", () => {
  it("refuses .., absolute paths and symlinks that leave the workspace", async () => {
    await expect(resolveWorkspacePath(ws, "../outside/secret.txt")).rejects.toThrow(/uses "\.\."/);
    await expect(resolveWorkspacePath(ws, "notes/../../outside/secret.txt")).rejects.toThrow(/uses "\.\."/);
    await expect(resolveWorkspacePath(ws, path.join(outside, "secret.txt"))).rejects.toThrow(/is an absolute path/);
    await expect(resolveWorkspacePath(ws, "C:\\Windows\\win.ini")).rejects.toThrow(/is an absolute path/);
    await expect(resolveWorkspacePath(ws, "escape/secret.txt")).rejects.toThrow(/symbolic link that points outside/);
    await expect(resolveWorkspacePath(ws, "escape/new/deep.txt")).rejects.toThrow(/symbolic link that points outside/);
    await expect(resolveWorkspacePath(ws, "secret-link.txt")).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(resolveWorkspacePath(ws, "dangling.txt")).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(resolveWorkspacePath(ws, "")).rejects.toMatchObject({ code: "path_outside_workspace" });
  });

  it("accepts normal paths, new paths and symlinks that stay inside", async () => {
    expect((await resolveWorkspacePath(ws, "./notes//a.md")).relative).toBe("notes/a.md");
    expect((await resolveWorkspacePath(ws, "new/dir/file.txt")).relative).toBe("new/dir/file.txt");
    expect((await resolveWorkspacePath(ws, "notes-link/a.md")).relative).toBe("notes/a.md");
    expect((await resolveWorkspacePath(ws, ".")).relative).toBe(".");
  });
});

describe("files.read", () => {
  it("reads text and base64 inside the workspace", async () => {
    const ctx = testContext({ workspaceDir: ws });
    expect(await runAction(readFileAction, { path: "notes/a.md" }, ctx)).toEqual({ path: "notes/a.md", content: "# A\n", bytes: 4, encoding: "utf8" });
    expect((await runAction(readFileAction, { path: "data.csv", encoding: "base64" }, ctx)).content).toBe(Buffer.from("x\n1\n").toString("base64"));
  });

  it("refuses to read through escapes, and explains missing files, folders and size limits", async () => {
    const ctx = testContext({ workspaceDir: ws });
    await expect(runAction(readFileAction, { path: "secret-link.txt" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(readFileAction, { path: "../outside/secret.txt" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(readFileAction, { path: "/etc/passwd" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(readFileAction, { path: "nope.txt" }, ctx)).rejects.toMatchObject({ code: "file_not_found" });
    await expect(runAction(readFileAction, { path: "notes" }, ctx)).rejects.toMatchObject({ code: "not_a_file" });
    await expect(runAction(readFileAction, { path: "data.csv", maxBytes: 2 }, ctx)).rejects.toMatchObject({ code: "file_too_large" });
  });
});

describe("files.write", () => {
  it("creates parent folders, and undo deletes a file it created", async () => {
    const ctx = testContext({ workspaceDir: ws });
    const input = writeFileAction.input.parse({ path: "out/deep/report.md", content: "# Report\n" });
    const out = writeFileAction.output.parse(await writeFileAction.run(input, ctx));
    expect(out).toEqual({ path: "out/deep/report.md", bytes: 9, created: true });
    expect(await readFile(path.join(ws, "out/deep/report.md"), "utf8")).toBe("# Report\n");
    await writeFileAction.undo!(input, out, ctx);
    expect(existsSync(path.join(ws, "out/deep/report.md"))).toBe(false);
    expect(existsSync(path.join(ws, UNDO_DIR))).toBe(true);
  });

  it("undo restores the content from before the step, even after a retried attempt", async () => {
    const first = testContext({ workspaceDir: ws, attempt: 1 });
    const input = writeFileAction.input.parse({ path: "notes/a.md", content: "attempt 1" });
    await writeFileAction.run(input, first);
    const second = testContext({ workspaceDir: ws, attempt: 2 });
    const out = writeFileAction.output.parse(await writeFileAction.run({ ...input, content: "attempt 2" }, second));
    expect(out.created).toBe(false);
    expect(await readFile(path.join(ws, "notes/a.md"), "utf8")).toBe("attempt 2");
    await writeFileAction.undo!(input, out, second);
    expect(await readFile(path.join(ws, "notes/a.md"), "utf8")).toBe("# A\n");
  });

  it("writes base64 and refuses overwrite=false, escapes and the undo folder", async () => {
    const ctx = testContext({ workspaceDir: ws });
    await runAction(writeFileAction, { path: "bin.dat", content: Buffer.from([1, 2, 3]).toString("base64"), encoding: "base64" }, ctx);
    expect([...(await readFile(path.join(ws, "bin.dat")))]).toEqual([1, 2, 3]);
    await expect(runAction(writeFileAction, { path: "data.csv", content: "x", overwrite: false }, ctx)).rejects.toMatchObject({ code: "file_exists" });
    await expect(runAction(writeFileAction, { path: "escape/pwned.txt", content: "x" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(writeFileAction, { path: "dangling.txt", content: "x" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(writeFileAction, { path: "../x.txt", content: "x" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(writeFileAction, { path: `${UNDO_DIR}/x`, content: "x" }, ctx)).rejects.toMatchObject({ code: "reserved_path" });
    expect(existsSync(path.join(outside, "pwned.txt"))).toBe(false);
    expect(existsSync(path.join(outside, "not-yet.txt"))).toBe(false);
  });
});

describe("files.list", () => {
  it("lists a folder, recursively and by pattern, without following symlinks or showing undo data", async () => {
    const ctx = testContext({ workspaceDir: ws });
    await runAction(writeFileAction, { path: "notes/sub/b.md", content: "b" }, ctx);
    const top = await runAction(listFilesAction, {}, ctx);
    expect(top.entries.map((e) => [e.path, e.type])).toEqual([
      ["dangling.txt", "symlink"],
      ["data.csv", "file"],
      ["escape", "symlink"],
      ["notes", "directory"],
      ["notes-link", "symlink"],
      ["secret-link.txt", "symlink"],
    ]);
    const md = await runAction(listFilesAction, { recursive: true, pattern: "**/*.md" }, ctx);
    expect(md.entries.map((e) => e.path)).toEqual(["notes/a.md", "notes/sub/b.md"]);
    expect(md.entries[0].bytes).toBe(4);
    expect(Number.isNaN(Date.parse(md.entries[0].modifiedAt))).toBe(false);
    const sub = await runAction(listFilesAction, { path: "notes", recursive: true }, ctx);
    expect(sub.entries.map((e) => e.path)).toEqual(["notes/a.md", "notes/sub", "notes/sub/b.md"]);
  });

  it("refuses folders outside the workspace", async () => {
    const ctx = testContext({ workspaceDir: ws });
    await expect(runAction(listFilesAction, { path: "escape" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(listFilesAction, { path: ".." }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
    await expect(runAction(listFilesAction, { path: "data.csv" }, ctx)).rejects.toMatchObject({ code: "not_a_folder" });
  });
});
