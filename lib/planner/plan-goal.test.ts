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
    const result = await planGoal({ goal: "Fetch the page, turn the HTML into text and summarize it", flows: ["web", "text"] }, { catalog: builtinRegistry().catalog });
    expect(result.status).toBe("needs_inputs");
    expect(result.missingInputs).toEqual([{ name: "url", schema: expect.objectContaining({ type: "string" }), description: expect.any(String), usedBy: [{ stepId: "fetch", input: "url" }] }]);
    const given = await planGoal({ goal: "Fetch the page, turn the HTML into text and summarize it", flows: ["web", "text"], inputs: { url: "https://example.com" } }, { catalog: builtinRegistry().catalog });
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
