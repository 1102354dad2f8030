/**
 * Saved templates persist: saved through lib/server on a real embedded database, still there
 * after the database is closed and opened again. A save that loses a race for its id is told
 * so (409) on both databases. No built app needed.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RequestError } from "../../lib/server/errors";
import { importPlanJson } from "../../lib/server/plans";
import { deleteTemplate, instantiate, listTemplates, saveTemplate, slugify } from "../../lib/server/templates";
import { closeTrellis } from "../../lib/server/trellis";
import { createPostgresDatabase, postgresAvailability, type DbKind } from "../support/databases";

// The id check before the insert, wrapped so a test can make it miss a concurrent save.
vi.mock("../../lib/templates/saved-templates", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/templates/saved-templates")>();
  return { ...real, takenTemplateIds: vi.fn(real.takenTemplateIds) };
});

const pgAvailable = await postgresAvailability();
const kinds: DbKind[] = pgAvailable.run ? ["pglite", "postgres"] : ["pglite"];

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

  it("save a plan made from a built-in template, with the values its form sends (every default as given)", async () => {
    const csv = (await listTemplates()).templates.find((t) => t.id === "csv-report")!;
    const asTheFormSends = Object.fromEntries(csv.params.map((p) => [p.name, p.default]));
    const made = await instantiate("csv-report", { params: asTheFormSends, save: true });
    expect(JSON.stringify(made.plan)).not.toContain("{{");
    const { template } = await saveTemplate({ planId: made.planId!, name: "My CSV report", description: "", tags: [] });
    expect(template).toMatchObject({ id: "my-csv-report", source: "saved", basedOnPlanId: made.planId });
    const again = await instantiate(template.id, { params: { report_path: "reports/again.md" }, save: false });
    expect(again.valid).toBe(true);
    expect(JSON.stringify(again.plan)).not.toContain("{{");
    expect(again.plan.steps.find((s) => s.id === "report")!.inputs.title).toEqual({ kind: "literal", value: "Report: sum of revenue by region" });
    await deleteTemplate(template.id);
  });

  it("save a plan whose text holds {{…}} (one made before placeholders were filled) with its text as it is", async () => {
    const imported = await importPlanJson(JSON.stringify({
      goal: "Revenue by region",
      steps: [
        { id: "load", action: "data.load_csv", inputs: { path: "${inputs.source}" } },
        { id: "table", action: "data.to_markdown", inputs: { table: "${steps.load.output.table}" } },
        { id: "report", action: "text.markdown_report", inputs: { title: "Report: {{aggregate}} of {{metric}}", heading1: "Totals", body1: "${steps.table.output.markdown}" } },
      ],
      inputs: [{ name: "source", schema: { type: "string" }, default: "sample:sales.csv" }],
      outputs: { report: "${steps.report.output.markdown}" },
    }));
    if (!imported.ok) throw new Error(imported.error);
    const { template } = await saveTemplate({ planId: imported.planId, name: "Old report", description: "", tags: [] });
    const again = await instantiate(template.id, { params: {}, save: false });
    expect(again.plan.steps[2].inputs.title).toEqual({ kind: "literal", value: "Report: {{aggregate}} of {{metric}}" });
    await deleteTemplate(template.id);
  });

  it("refuse what truly cannot be saved in one line, with every problem in the details", async () => {
    const bad = await refusal(saveTemplate({ planId, name: "Two bad", description: "", tags: [], params: [{ name: "nope", schema: {} }, { name: "nada", schema: {} }] }));
    expect(bad).toMatchObject({ status: 400, code: "invalid_params" });
    expect(bad.message).toBe('Template "two-bad": the plan has no input "nope"; to make a step\'s literal a parameter, say which with from: { step, input } (and 1 more).');
    expect((bad.details as { problems: unknown[] }).problems).toHaveLength(2);
  });

  it("make readable ids", () => {
    expect(slugify("  Top 5: Customers (Q4)! ")).toBe("top-5-customers-q4");
    expect(slugify("***")).toBe("template");
  });
});

describe.each(kinds)("saving a template the database refuses, on %s", (kind) => {
  // A fresh server (configuration, database) on this kind of database.
  type Server = {
    templates: typeof import("../../lib/server/templates");
    plans: typeof import("../../lib/server/plans");
    trellis: typeof import("../../lib/server/trellis");
    saved: typeof import("../../lib/templates/saved-templates");
  };
  let server: Server;
  let basedOn: string;
  const env = { TRELLIS_DATA_DIR: process.env.TRELLIS_DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  let dropDatabase = async () => {};

  beforeAll(async () => {
    await closeTrellis();
    process.env.TRELLIS_DATA_DIR = await mkdtemp(path.join(os.tmpdir(), `trellis-templates-${kind}-`));
    if (kind === "postgres") {
      const created = await createPostgresDatabase();
      process.env.DATABASE_URL = created.url;
      dropDatabase = created.drop;
    } else {
      delete process.env.DATABASE_URL;
    }
    vi.resetModules(); // the configuration is read once per module instance
    server = {
      templates: await import("../../lib/server/templates"),
      plans: await import("../../lib/server/plans"),
      trellis: await import("../../lib/server/trellis"),
      saved: await import("../../lib/templates/saved-templates"),
    };
    expect((await server.trellis.getTrellis()).database.kind).toBe(kind);
    const imported = await server.plans.importPlanJson(await readFile(path.join(process.cwd(), "examples", "revenue-by-region.json"), "utf8"));
    if (!imported.ok) throw new Error(imported.error);
    basedOn = imported.planId;
  });
  afterAll(async () => {
    await server?.trellis.closeTrellis();
    await rm(process.env.TRELLIS_DATA_DIR!, { recursive: true, force: true });
    await dropDatabase();
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("an id taken between the check and the insert: 409 conflict, not an unexpected error; the first save stays", async () => {
    const first = await server.templates.saveTemplate({ planId: basedOn, name: "Race report", id: "race-report", description: "", tags: [] });
    expect(first.template.id).toBe("race-report");
    // The second save's check ran before the first save's insert: it sees the id free.
    vi.mocked(server.saved.takenTemplateIds).mockResolvedValueOnce(new Set());
    const lost = await refusal(server.templates.saveTemplate({ planId: basedOn, name: "Race report, again", id: "race-report", description: "", tags: [] }));
    expect(lost).toBeInstanceOf(Error);
    expect(lost).toMatchObject({ status: 409, code: "conflict", message: 'The template id "race-report" is taken.' });
    const { templates } = await server.templates.listTemplates();
    expect(templates.filter((t) => t.id === "race-report").map((t) => t.name)).toEqual(["Race report"]);
  });

  it("text the database cannot store (a NUL byte): 400", async () => {
    const bad = await refusal(server.templates.saveTemplate({ planId: basedOn, name: "Nul\u0000report", id: "nul-report", description: "", tags: [] }));
    expect(bad).toMatchObject({ status: 400, code: "bad_request" });
    expect(bad.message).toMatch(/cannot be stored/);
  });
});
