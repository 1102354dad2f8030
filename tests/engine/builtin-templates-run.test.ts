/**
 * Every built-in template, made with its defaults, runs on the real engine with the built-in
 * actions: web pages from a local HTTP server, the LLM from a local OpenAI-compatible server,
 * approvals given as a person would. No `{{…}}` placeholder may survive into the plan, a
 * step's output or the run's outputs — neither with the defaults left out (the API, the CLI)
 * nor with every default sent back as given (what the templates page's form does).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinActions } from "../../lib/actions";
import { closeSampleShopDb } from "../../lib/actions/sql/sample-shop";
import { isObject } from "../../lib/core";
import { OpenAiProvider } from "../../lib/llm/openai-provider";
import { builtinTemplates, instantiateTemplate, type Template } from "../../lib/templates";
import type { Database } from "../../lib/store/database";
import { freshDatabase } from "../support/databases";
import { makeHarness, type Harness } from "../support/engine-harness";
import { startTestServer, type TestServer } from "../support/http-server";
import { reply, startOpenAiServer, type OpenAiTestServer } from "../support/openai-server/server";

const PAGE = `<!doctype html><html><head><title>Trellis notes</title></head><body>
<h1>Trellis notes</h1><p>Trellis turns a goal into a typed plan and runs it, step by step.</p>
<a href="/guide">Guide</a> <a href="https://example.org/elsewhere">Elsewhere</a></body></html>`;

/** What the LLM-backed actions ask for, by the name of their structured answer. */
const ANSWERS: Record<string, unknown> = {
  sql_query: { sql: "SELECT c.name AS category, count(*) AS products FROM products p JOIN categories c ON c.id = p.category_id GROUP BY c.name ORDER BY c.name", explanation: "Counts products per category." },
  summary: { summary: "- Trellis turns a goal into a typed plan\n- It runs the plan step by step" },
  classification: { label: "sql", confidence: 0.9 },
  table_choice: { tables: ["products", "categories"], reason: "Products belong to categories." },
  answer: { answer: "Each category has five products." },
};

let db: Database;
let web: TestServer;
let llm: OpenAiTestServer;
let h: Harness;

beforeAll(async () => {
  db = await freshDatabase("pglite");
  web = await startTestServer({ "/page": (_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE) });
  llm = await startOpenAiServer((req) => {
    const name = req.body?.response_format?.json_schema?.name ?? "";
    return name in ANSWERS ? reply.json(ANSWERS[name]) : reply.raw(400, JSON.stringify({ error: { message: `no scripted answer for "${name}"`, type: "invalid_request_error" } }));
  });
  h = makeHarness(db, builtinActions({ httpAllowHosts: ["127.0.0.1"] }), { llm: new OpenAiProvider({ baseUrl: llm.baseUrl, apiKey: "test", model: "gpt-test", timeoutMs: 10_000 }) });
});
afterAll(async () => {
  h?.engine.close();
  await Promise.all([web?.close(), llm?.close()]);
  await db?.close();
  await closeSampleShopDb();
});

/** A value for each parameter without a default: the local page for a URL, else the schema's first example. */
function required(t: Template): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of t.params) {
    if (p.default !== undefined) continue;
    if (isObject(p.schema) && p.schema.format === "uri") out[p.name] = `${web.url}/page`;
    else if (isObject(p.schema) && Array.isArray(p.schema.examples)) out[p.name] = p.schema.examples[0];
  }
  return out;
}

/** Every string inside a JSON value that still holds a `{{`, with where it is. */
function placeholdersLeft(value: unknown, where: string, into: string[] = []): string[] {
  if (typeof value === "string") {
    if (value.includes("{{")) into.push(`${where}: ${value.slice(0, 120)}`);
  } else if (Array.isArray(value)) value.forEach((v, i) => placeholdersLeft(v, `${where}[${i}]`, into));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) placeholdersLeft(v, `${where}.${k}`, into);
  return into;
}

async function runToEnd(planVersionId: string) {
  let done = await h.engine.run({ planVersionId }, { untilApproval: true });
  // A person approves each step that waits (the SQL an LLM wrote, for one).
  for (let round = 0; done.run.status === "awaiting_approval" && round < 10; round++) {
    for (const s of done.steps.filter((x) => x.status === "awaiting_approval")) await h.engine.approve(done.run.id, s.stepId, { by: "test" });
    done = await h.engine.wait(done.run.id, { untilApproval: true, timeoutMs: 60_000 });
  }
  return done;
}

describe("built-in templates on the engine", () => {
  const ways = {
    "defaults left out": () => ({}),
    "every default sent back as given": (t: Template) => Object.fromEntries(t.params.filter((p) => p.default !== undefined).map((p) => [p.name, p.default])),
  };
  for (const t of builtinTemplates) {
    for (const [way, values] of Object.entries(ways)) {
      it(`${t.id}, ${way}: runs to success and no {{ survives in the plan or any output`, async () => {
        const made = instantiateTemplate(t, { ...values(t), ...required(t) });
        if (!made.ok) throw new Error(JSON.stringify(made.problems));
        expect(made.openInputs).toEqual([]);
        expect(placeholdersLeft(made.plan, "plan")).toEqual([]);
        const done = await runToEnd(await h.savePlan(made.plan));
        // a branch not taken is skipped by its condition (and what needs it, with it); nothing else may end otherwise
        const byCondition = new Set((await h.store.events(done.run.id)).flatMap((e) => (e.type === "step.skipped" && e.stepId && (e.data.reason.startsWith("condition false") || e.data.cause) ? [e.stepId] : [])));
        expect(done.steps.filter((s) => s.status !== "succeeded" && !byCondition.has(s.stepId)).map((s) => `${s.stepId}: ${s.status} ${s.failure?.message ?? ""}`)).toEqual([]);
        expect(done.run.status).toBe("succeeded");
        const outputs = done.steps.flatMap((s) => placeholdersLeft(s.output, `steps.${s.stepId}.output`));
        expect([...outputs, ...placeholdersLeft(done.run.outputs, "outputs")]).toEqual([]);
      }, 60_000);
    }
  }

  it("fills the CSV report's titles from the values it was given", async () => {
    const t = builtinTemplates.find((x) => x.id === "csv-report")!;
    const made = instantiateTemplate(t, { group_by: "product", metric: "units", aggregate: "max", title: "Report: {{aggregate}} of {{metric}} by {{group_by}}" });
    if (!made.ok) throw new Error(JSON.stringify(made.problems));
    const done = await runToEnd(await h.savePlan(made.plan));
    expect(done.run.status).toBe("succeeded");
    expect(String(done.run.outputs?.report)).toMatch(/^# Report: max of units by product\n/);
    const chart = done.steps.find((s) => s.stepId === "chart")!.output as { svg: string };
    expect(chart.svg).toContain("Report: max of units by product");
  }, 60_000);
});
