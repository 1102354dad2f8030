/** `trellis templates`: list, show, use (typed --param), save a plan as a template, delete it. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOP_ROWS_PLAN, json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
const run = (args: string[], input?: string) => trellis(args, { dataDir, input });

beforeAll(() => {
  tmp = tempDir("trellis-cli-templates-");
  dataDir = path.join(tmp.dir, "data");
});
afterAll(() => tmp.remove());

// Each case starts several processes; a loaded machine (the whole suite on 2 cores) needs the room.
describe("trellis templates", { timeout: 120_000 }, () => {
  it("lists the built-in templates with what they need", async () => {
    const text = await run(["templates"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/sql-answer\s+Answer a question with SQL\s+question, max_rows\s+LLM, approval/);
    const doc = json<{ templates: { id: string; source: string }[] }>(await run(["templates", "list", "--json"]));
    expect(doc.templates.map((t) => t.id)).toEqual(expect.arrayContaining(["csv-report", "sql-answer", "web-digest", "web-links"]));
  });

  it("says which steps of the SQL-or-general template need an LLM, and --execute is refused before it runs without one (exit 2)", async () => {
    const list = await run(["templates"]);
    expect(list.stdout).toMatch(/sql-or-general\s+Answer a question: SQL or general\s+question, max_rows\s+LLM, approval/);
    const made = await run(["templates", "use", "sql-or-general", "--param", "question=How many orders were shipped to Germany?", "--no-save"]);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain("Needs an LLM, and none is configured (set OPENAI_API_KEY): classify (Classify the question); pick (Pick the tables it needs)");
    const refused = await run(["templates", "use", "sql-or-general", "--param", "question=How many orders were shipped to Germany?", "--execute"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/this plan needs an LLM and no LLM provider is configured: steps classify \(text\.classify\), pick \(sql\.pick_tables\)/);
  });

  it("shows a template's typed parameters and the plan its defaults make", async () => {
    const r = await run(["templates", "show", "csv-report"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/aggregate\s+"sum" \| "avg" \| "median" \| "min" \| "max"\s+default "sum"\s+written into the plan/);
    expect(r.stdout).toContain("Goal   The sum of revenue by region in sample:sales.csv");
    const none = await run(["templates", "show", "nope"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('There is no template "nope"');
  });

  it("makes a plan from typed parameters, and names a parameter that does not fit (exit 2)", async () => {
    const made = json<{ plan: { goal: string; steps: { id: string; inputs: Record<string, unknown> }[] }; valid: boolean; planId?: string }>(
      await run(["templates", "use", "csv-report", "--param", "group_by=product", "--param", "aggregate=avg", "--no-save", "--json"]),
    );
    expect(made.valid).toBe(true);
    expect(made.planId).toBeUndefined();
    expect(made.plan.goal).toContain("The avg of revenue by product");
    expect(made.plan.steps.find((s) => s.id === "report")?.inputs.title).toEqual({ kind: "literal", value: "Report: avg of revenue by product" });
    expect(made.plan.steps.find((s) => s.id === "grouped")?.inputs.groupBy).toEqual({ kind: "literal", value: ["product"] });

    const bad = await run(["templates", "use", "csv-report", "--param", "aggregate=mode"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--param aggregate="mode": must be one of "sum", "avg", "median", "min", "max"');
    const unknown = await run(["templates", "use", "sql-answer", "--param", "sql=select 1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no parameter "sql" (--param). Known: question, max_rows.');
    const typed = json<{ plan: { steps: { id: string; inputs: Record<string, unknown> }[] } }>(await run(["templates", "use", "sql-answer", "--param", "max_rows=7", "--no-save", "--json"]));
    expect(typed.plan.steps.find((s) => s.id === "query")?.inputs.maxRows).toEqual({ kind: "literal", value: 7 });
  });

  it("stores the plan and runs it with --execute", async () => {
    const r = await run(["templates", "use", "csv-report", "--param", "metric=units", "--param", "title=Units by region", "--execute", "--json"]);
    expect(r.code).toBe(0);
    const doc = json<{ planId: string; run: { status: string; outputs: { report: string } } }>(r);
    expect(doc.planId).toMatch(/^[0-9a-f-]{36}$/);
    expect(doc.run.status).toBe("succeeded");
    expect(doc.run.outputs.report).toContain("# Units by region");
  });

  it("saves a plan as a template, lifting a literal into a parameter, then uses and deletes it", async () => {
    const file = path.join(tmp.dir, "top.json");
    writeFileSync(file, JSON.stringify(TOP_ROWS_PLAN));
    const saved = await run(["templates", "save", file, "--name", "Top sales rows", "--description", "The best rows", "--lift", "out=save.path", "--json"]);
    expect(saved.code).toBe(0);
    const { template } = json<{ template: { id: string; source: string; params: { name: string; default?: unknown; schema: object }[] } }>(saved);
    expect(template).toMatchObject({ id: "top-sales-rows", source: "saved" });
    expect(template.params.map((p) => [p.name, p.default])).toEqual([["top", undefined], ["out", "top.md"]]);
    expect(template.params[1].schema).toMatchObject({ type: "string", minLength: 1 });

    const second = json<{ template: { id: string } }>(await run(["templates", "save", file, "--name", "Top sales rows", "--json"]));
    expect(second.template.id).toBe("top-sales-rows-2");

    const used = await run(["templates", "use", "top-sales-rows", "--param", "out=best.md", "--param", "top=2", "--execute", "--json"]);
    expect(used.code).toBe(0);
    expect(json<{ run: { outputs: unknown } }>(used).run.outputs).toEqual({ rows: 2, file: "best.md" });

    expect((await run(["templates", "delete", "top-sales-rows"])).code).toBe(0);
    const gone = await run(["templates", "show", "top-sales-rows"]);
    expect(gone.code).toBe(2);
    const builtin = await run(["templates", "delete", "csv-report"]);
    expect(builtin.code).toBe(1);
    expect(builtin.stderr).toContain("is a built-in template");
  });
});
