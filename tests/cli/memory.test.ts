/**
 * `trellis memory`: the remembered plans planning recalls, listed and forgotten from a terminal,
 * in local mode on this file's own embedded database.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOP_ROWS_PLAN, json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let planFile: string;
const run = (args: string[]) => trellis(args, { dataDir });

interface Listed {
  items: { id: string; goal: string; origin: string; versionId?: string; actions: string[] }[];
  forgotten: number;
}

beforeAll(() => {
  tmp = tempDir("trellis-cli-memory-");
  dataDir = path.join(tmp.dir, "data");
  planFile = path.join(tmp.dir, "top.json");
  writeFileSync(planFile, JSON.stringify(TOP_ROWS_PLAN));
});
afterAll(() => tmp.remove());

// Each case starts several processes, each opening the embedded database: a loaded machine needs the room.
describe("trellis memory", { timeout: 300_000 }, () => {
  let remembered: Listed["items"][number] | undefined;

  it("lists a plan version that ran cleanly beside the templates", async () => {
    const ran = await run(["run", planFile, "--input", "top=2", "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    const listed = json<Listed>(await run(["memory", "--json"]));
    remembered = listed.items.find((i) => i.origin === "run" && i.goal === TOP_ROWS_PLAN.goal);
    expect(remembered?.id).toMatch(/^version:/);
    expect(remembered?.actions).toEqual(["data.load_csv", "data.sort", "data.to_markdown", "files.write"]);
    expect(listed.items.some((i) => i.origin === "template")).toBe(true);
    expect(listed.forgotten).toBe(0);

    const text = await run(["memory", "--runs"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(remembered!.id);
    expect(text.stdout).toContain(TOP_ROWS_PLAN.goal);
    expect(text.stdout).not.toContain("template:");
  });

  it("forgets it, and refuses ids that name nothing", async () => {
    expect(remembered).toBeDefined();
    const forgot = await run(["memory", "forget", remembered!.id]);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stdout).toContain(`Forgot ${remembered!.id}`);
    const after = json<Listed>(await run(["memory", "--json"]));
    expect(after.items.map((i) => i.id)).not.toContain(remembered!.id);
    expect(after.forgotten).toBe(1);

    const bad = await run(["memory", "forget", "plan:nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a remembered plan's id");
    const unknown = await run(["memory", "forget", "version:00000000-0000-4000-8000-000000000000"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No remembered plan");
    expect((await run(["memory", "forget"])).code).toBe(2);
    expect((await run(["memory", "remember"])).code).toBe(2);
  });
});
