/**
 * Saved templates persist: saved through lib/server on a real embedded database, still there
 * after the database is closed and opened again. No built app needed.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestError } from "../../lib/server/errors";
import { importPlanJson } from "../../lib/server/plans";
import { deleteTemplate, instantiate, listTemplates, saveTemplate, slugify } from "../../lib/server/templates";
import { closeTrellis } from "../../lib/server/trellis";

let dir: string;
let planId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-templates-"));
  process.env.TRELLIS_DATA_DIR = dir;
  const imported = await importPlanJson(await readFile(path.join(process.cwd(), "examples", "revenue-by-region.json"), "utf8"));
  if (!imported.ok) throw new Error(imported.error);
  planId = imported.planId;
});
afterAll(async () => {
  await closeTrellis();
  await rm(dir, { recursive: true, force: true });
});

const refusal = async (p: Promise<unknown>): Promise<RequestError> => {
  try {
    await p;
  } catch (err) {
    return err as RequestError;
  }
  throw new Error("expected a refusal");
};

describe("saved templates", () => {
  it("persist across a restart of the database", async () => {
    const { template } = await saveTemplate({ planId, name: "Région report", description: "", tags: [], params: undefined });
    expect(template).toMatchObject({ id: "region-report", source: "saved", basedOnPlanId: planId, writes: true });
    expect(template.params.map((p) => p.name)).toEqual(["report_path"]);
    await closeTrellis();
    const { templates } = await listTemplates();
    expect(templates.find((t) => t.id === "region-report")?.plan.steps).toHaveLength(7);
    const made = await instantiate("region-report", { params: { report_path: "x.md" }, save: true });
    expect(made).toMatchObject({ valid: true, openInputs: [] });
    expect(made.plan.inputs[0]).toMatchObject({ name: "report_path", default: "x.md" });
    expect(made.planId).toBeTruthy();
  });

  it("refuse what would not make a runnable plan, and write nothing", async () => {
    const before = (await listTemplates()).templates.length;
    const bad = await refusal(saveTemplate({ planId, name: "Bad", description: "", tags: [], params: [{ name: "nope", schema: {} }] }));
    expect(bad.status).toBe(400);
    expect(bad.code).toBe("invalid_params");
    const taken = await refusal(saveTemplate({ planId, name: "x", id: "csv-report", description: "", tags: [] }));
    expect(taken.status).toBe(409);
    expect((await listTemplates()).templates).toHaveLength(before);
    expect((await refusal(deleteTemplate("csv-report"))).status).toBe(409);
    await deleteTemplate("region-report");
    expect((await listTemplates()).templates).toHaveLength(before - 1);
  });

  it("make readable ids", () => {
    expect(slugify("  Top 5: Customers (Q4)! ")).toBe("top-5-customers-q4");
    expect(slugify("***")).toBe("template");
  });
});
