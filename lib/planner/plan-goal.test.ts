import { describe, expect, it } from "vitest";
import type { PlanningEvent } from "@/lib/core/events";
import { missingInputs } from "./missing-inputs";
import { planGoal } from "./plan-goal";
import { PlanResult } from "./request";
import { decodeChunk, encodeChunk } from "@/lib/contract/plan-stream";
import { SseParser } from "@/lib/contract/sse";
import { builtinRegistry } from "../../tests/support/planner-catalogs";

describe("planGoal offline", () => {
  it("plans, validates and records events, with nothing to ask when the goal says it all", async () => {
    const events: PlanningEvent[] = [];
    const result = await planGoal({ goal: "Load the sample sales CSV, total revenue by region, chart it and write a report" }, { catalog: builtinRegistry().catalog, onEvent: (e) => events.push(e) });
    expect(PlanResult.parse(result)).toBeTruthy();
    expect(result).toMatchObject({ valid: true, status: "ready", missingInputs: [], planning: { source: "offline", attempts: 1, usage: { promptTokens: 0, completionTokens: 0 } } });
    expect(events.map((e) => e.type)).toEqual(["planning.started", "planning.validation", "planning.succeeded"]);
    expect(result.planning.events).toEqual(events);
  });

  it("returns the inputs that still need values, typed, with where they are used", async () => {
    const result = await planGoal({ goal: "Fetch the page and turn the HTML into text", flows: ["web", "text"] }, { catalog: builtinRegistry().catalog });
    expect(result.status).toBe("needs_inputs");
    expect(result.missingInputs).toEqual([{ name: "url", schema: expect.objectContaining({ type: "string" }), description: expect.any(String), usedBy: [{ stepId: "fetch", input: "url" }] }]);
    const given = await planGoal({ goal: "Fetch the page and turn the HTML into text", flows: ["web", "text"], inputs: { url: "https://example.com" } }, { catalog: builtinRegistry().catalog });
    expect(given.status).toBe("ready");
    expect(missingInputs(given.plan, {})).toEqual([]);
    expect(missingInputs(result.plan, { url: 42 })).toMatchObject([{ name: "url", problem: expect.stringContaining("expected string") }]);
  });

  it("says so when the LLM is asked for and none is configured", async () => {
    const result = await planGoal({ goal: "anything", planner: "llm" }, { catalog: builtinRegistry().catalog });
    expect(result).toMatchObject({ valid: false, status: "invalid", planning: { error: expect.stringContaining("OPENAI_API_KEY") } });
    expect(result.planning.events.map((e) => e.type)).toEqual(["planning.started", "planning.failed"]);
  });
});

describe("what a plan covers of its goal, offline", () => {
  const catalog = () => builtinRegistry().catalog;

  it("links each part of the goal to the steps that do it, and titles steps by what they do", async () => {
    const result = await planGoal({ goal: "Read notes.txt, count words, write the counts to counts.json" }, { catalog: catalog() });
    expect(result.status).toBe("ready");
    expect(result.coverage.parts.map((p) => [p.text, p.steps, p.uncovered?.reason])).toEqual([
      ["Read notes.txt", ["read"], undefined],
      ["count words", ["count_words"], undefined],
      ["write the counts to counts.json", ["write_file"], undefined],
    ]);
    for (const p of result.coverage.parts) expect(result.plan.goal.slice(p.start, p.end)).toBe(p.text);
    expect(result.plan.steps.map((s) => s.label)).toEqual(["Read a file: notes.txt", "Count words", "Write table to file: counts.json"]);
    expect(result.plan.steps.find((s) => s.id === "write_file")?.inputs.table).toEqual({ kind: "step", step: "count_words", path: ["table"] });
  });

  it("presents no plan when no action fits, with what would help", async () => {
    const result = await planGoal({ goal: "Book me a flight to Tokyo next Tuesday and pay with my credit card" }, { catalog: catalog() });
    expect(result.status).toBe("no_plan");
    expect(result.plan.steps).toEqual([]);
    expect(result.coverage.parts.length).toBeGreaterThan(0);
    expect(result.coverage.parts.every((p) => p.uncovered?.reason === "no_action" && p.steps.length === 0)).toBe(true);
    expect(result.help).toMatchObject({ connectLlm: true, connectTools: true });
    expect(result.planning.error).toBe("No action of the catalog does what the goal asks.");
    expect(PlanResult.parse(result)).toBeTruthy();
  });

  it("says what is missing when the goal names data but not what to do", async () => {
    const result = await planGoal({ goal: "help me with my data" }, { catalog: catalog() });
    expect(result.status).toBe("no_plan");
    expect(result.coverage.parts).toMatchObject([{ text: "help me with my data", steps: [], uncovered: { reason: "needs_value" } }]);
    expect(result.help?.nearest.length).toBeGreaterThan(0);
    // The planning record says the same, not that nothing in the catalog fits.
    expect(result.planning.error).toMatch(/does not say what to do or with what/);
    expect(result.planning.events.at(-1)).toMatchObject({ type: "planning.failed", data: { unplanned: true, reason: result.planning.error } });
  });

  it("does not take an LLM action without an LLM unless nothing else does the part, and then marks it", async () => {
    const result = await planGoal({ goal: "Fetch the page, turn the HTML into text and summarize it", flows: ["web", "text"], inputs: { url: "https://example.com" } }, { catalog: catalog() });
    expect(result.status).toBe("partial");
    expect(result.coverage.parts.find((p) => p.text === "summarize it")).toMatchObject({ steps: ["summarize"], uncovered: { reason: "needs_llm", actions: ["text.summarize"] } });
    expect(result.help?.connectLlm).toBe(true);
    const words = await planGoal({ goal: "Read notes.txt and count words" }, { catalog: catalog() });
    expect(words.plan.steps.map((s) => s.action)).toEqual(["files.read", "text.count_words"]);
  });

  it("writes a read-only query from the schema an action documents, for a ranking question", async () => {
    const result = await planGoal({ goal: "Find the 3 customers with the highest total order value in the shop database" }, { catalog: catalog() });
    expect(result.status).toBe("ready");
    expect(result.plan.steps).toHaveLength(1);
    const [step] = result.plan.steps;
    expect(step).toMatchObject({ action: "sql.query", label: "Run SQL query: top 3 customers by total order value" });
    const sql = step.inputs.sql.kind === "literal" ? String(step.inputs.sql.value) : "";
    expect(sql).toMatch(/FROM customers c\nJOIN orders o ON o.customer_id = c.id\nJOIN order_items oi ON oi.order_id = o.id/);
    expect(sql).toMatch(/SUM\(oi.quantity \* oi.unit_price\)/);
    expect(sql).toMatch(/ORDER BY total_order_value DESC\nLIMIT 3$/);
  });

  it("reads a goal that opens with what to do to a dataset as the load, then that operation", async () => {
    const result = await planGoal({ goal: "Sort the sample sales CSV by revenue" }, { catalog: catalog() });
    expect(result.status).toBe("ready");
    expect(result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.sort"]);
    expect(result.plan.steps[1].inputs.by).toEqual({ kind: "literal", value: [{ column: "revenue", direction: "asc" }] });
  });

  it("does not present the load alone as the answer to a goal that asks for more of the data", async () => {
    const total = await planGoal({ goal: "Total the sample sales by region" }, { catalog: catalog() });
    expect(total.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.group_aggregate"]);
    expect(total.plan.steps[1].inputs.groupBy).toEqual({ kind: "literal", value: ["region"] });
    // What to total is not said: the person is asked, the plan is not ready.
    expect(total.status).toBe("needs_inputs");
    const top = await planGoal({ goal: "Top rows of the sample sales" }, { catalog: catalog() });
    expect(top.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.sort"]);
    expect(top.status).toBe("needs_inputs");
  });

  it("marks a part whose verb the chosen action is not about as a guess, even when another action mentions the word", async () => {
    const result = await planGoal({ goal: "Email the report to my boss" }, { catalog: catalog() });
    expect(result.status).toBe("partial");
    expect(result.coverage.parts[0].uncovered).toMatchObject({ reason: "no_action", message: expect.stringContaining('"email"') });
    // A word of everyday English for what the action does is not foreign to it.
    const slim = await planGoal({ goal: "Remove the unit_price column from the sample sales CSV and save it to slim.csv" }, { catalog: catalog() });
    expect(slim.status).toBe("ready");
    expect(slim.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.select", "data.write_file"]);
  });

  it("keeps a part that only matches the step before on other words uncovered, instead of claiming that step does it", async () => {
    const result = await planGoal({ goal: "Load the sample sales CSV and look at the West region" }, { catalog: catalog() });
    expect(result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv"]);
    expect(result.status).toBe("partial");
    const part = result.coverage.parts.find((p) => p.text === "look at the West region");
    expect(part?.steps).toEqual([]);
    expect(part?.uncovered?.reason).toBeDefined();
  });

  it("loads, groups, sorts with the column and direction the words give, and charts the sorted table", async () => {
    const result = await planGoal({ goal: "Chart revenue by product from the sample sales CSV and sort it by revenue, highest first" }, { catalog: catalog() });
    expect(result.status).toBe("ready");
    expect(result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.group_aggregate", "data.sort", "data.chart_svg"]);
    const [, group, sort, chart] = result.plan.steps;
    expect(group.inputs.groupBy).toEqual({ kind: "literal", value: ["product"] });
    expect(sort.inputs.by).toEqual({ kind: "literal", value: [{ column: "sum_revenue", direction: "desc" }] });
    expect(chart.inputs.table).toEqual({ kind: "step", step: sort.id, path: ["table"] });
    expect(new Set(result.plan.steps.map((s) => s.label)).size).toBe(4);
  });
});

describe("the planning stream protocol", () => {
  it("reads chunks split anywhere, skipping keep-alives and reporting bad data", () => {
    const text = ": planning\n\n" + encodeChunk({ type: "event", event: { type: "planning.started", at: "2026-01-01T00:00:00.000Z", data: { goal: "g", source: "offline" } } }) + "data: {nope}\n\n" + encodeChunk({ type: "error", code: "x", message: "m" });
    const reader = new SseParser();
    const chunks = [];
    const bad = [];
    for (let i = 0; i < text.length; i += 7) {
      for (const message of reader.push(text.slice(i, i + 7))) {
        const r = decodeChunk(message);
        if (r.ok) chunks.push(r.chunk);
        else bad.push(r.data);
      }
    }
    expect(chunks.map((c) => c.type)).toEqual(["event", "error"]);
    expect(bad).toEqual(["{nope}"]);
  });
});
