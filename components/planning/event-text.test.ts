import { describe, expect, it } from "vitest";
import { PlanningEvent } from "@/lib/core/events";
import { describeEvent } from "./event-text";

const at = "2025-01-01T00:00:00.000Z";
/** Events go through the real schema, so a test cannot describe an event the stream could not carry. */
const ev = (type: PlanningEvent["type"], data: Record<string, unknown>) => PlanningEvent.parse({ type, at, data });

describe("describeEvent", () => {
  it("describes the start of planning", () => {
    expect(describeEvent(ev("planning.started", { goal: "g", source: "llm", model: "gpt-x", actions: 12 }))).toEqual({ tone: "info", title: "Planning with gpt-x", detail: "12 actions offered" });
    expect(describeEvent(ev("planning.started", { goal: "g", source: "llm", actions: 1 }))).toEqual({ tone: "info", title: "Planning with the LLM", detail: "1 action offered" });
    expect(describeEvent(ev("planning.started", { goal: "g", source: "offline", actions: 2500 }))).toEqual({ tone: "info", title: "Planning offline", detail: "over 2,500 actions" });
    expect(describeEvent(ev("planning.started", { goal: "g", source: "offline" })).detail).toBeUndefined();
  });

  it("describes requests, progress and retries", () => {
    expect(describeEvent(ev("planning.llm_request", { attempt: 1, mode: "json_schema" }))).toEqual({ tone: "muted", title: "Attempt 1: asking the model", detail: "structured output" });
    expect(describeEvent(ev("planning.llm_request", { attempt: 2, mode: "json_object", repair: true }))).toEqual({ tone: "muted", title: "Attempt 2: asking the model to fix the plan", detail: "JSON mode" });
    expect(describeEvent(ev("planning.llm_request", { attempt: 1, mode: "tools" })).detail).toBe("tools");
    expect(describeEvent(ev("planning.llm_progress", { attempt: 1, chars: 12345 }))).toEqual({ tone: "muted", title: "Receiving the answer…", detail: "12,345 characters" });
    expect(describeEvent(ev("planning.llm_retry", { attempt: 1, retry: 1, delayMs: 250, reason: "rate limited" }))).toEqual({ tone: "warning", title: "Retrying in 250 ms", detail: "rate limited" });
    expect(describeEvent(ev("planning.llm_retry", { attempt: 1, retry: 2, delayMs: 2500, reason: "x" })).title).toBe("Retrying in 2.5 s");
  });

  it("describes answers, failed and successful", () => {
    expect(describeEvent(ev("planning.llm_response", { attempt: 2, ms: 1234, ok: false, error: "timeout" }))).toEqual({ tone: "danger", title: "Attempt 2 failed after 1.2 s", detail: "timeout" });
    expect(describeEvent(ev("planning.llm_response", { attempt: 1, ms: 850, ok: true, usage: { promptTokens: 1200, completionTokens: 300 } }))).toEqual({
      tone: "muted", title: "Answer in 850 ms", detail: "1,200 + 300 tokens",
    });
    expect(describeEvent(ev("planning.llm_response", { attempt: 1, ms: 10, ok: true, mode: "text" })).detail).toBe("via plain text");
    expect(describeEvent(ev("planning.llm_response", { attempt: 1, ms: 10, ok: true, mode: "json_schema" })).detail).toBeUndefined();
    expect(describeEvent(ev("planning.llm_response", { attempt: 1, ms: 10, ok: true, mode: "json_object", usage: { promptTokens: 1, completionTokens: 2 } })).detail).toBe("1 + 2 tokens · via JSON mode");
  });

  it("describes validation by its outcome and stage", () => {
    expect(describeEvent(ev("planning.validation", { attempt: 1, errors: 0, warnings: 0 }))).toEqual({ tone: "ok", title: "Checked: valid", detail: undefined });
    expect(describeEvent(ev("planning.validation", { attempt: 1, errors: 0, warnings: 1, stage: "repaired" }))).toEqual({ tone: "ok", title: "After fixes: valid", detail: "1 warning" });
    expect(describeEvent(ev("planning.validation", {
      attempt: 1, errors: 6, warnings: 0, codes: { type_mismatch: 2, unknown_action: 1, cycle: 1, missing_required_input: 1, self_reference: 1 },
    }))).toEqual({ tone: "muted", title: "Checked: 6 errors", detail: "type mismatch, unknown action, cycle, missing required input" });
    expect(describeEvent(ev("planning.validation", { attempt: 2, errors: 1, warnings: 0, stage: "repaired" }))).toEqual({ tone: "warning", title: "After fixes: 1 error", detail: undefined });
  });

  it("describes repairs, fallbacks and the outcome", () => {
    expect(describeEvent(ev("planning.repair", { attempt: 1, repairs: ["bound x", "dropped y"] }))).toEqual({ tone: "info", title: "Fixed 2 problems automatically", items: ["bound x", "dropped y"] });
    expect(describeEvent(ev("planning.fallback", { from: "llm", to: "offline", reason: "no key" }))).toEqual({ tone: "warning", title: "Switched to the offline planner", detail: "no key" });
    expect(describeEvent(ev("planning.succeeded", { attempts: 1, ms: 80, steps: 1 }))).toEqual({ tone: "ok", title: "Plan ready: 1 step", detail: "80 ms" });
    expect(describeEvent(ev("planning.succeeded", { attempts: 3, ms: 4200, steps: 5, missingInputs: ["region", "year"] }))).toEqual({
      tone: "ok", title: "Plan ready: 5 steps", detail: "4.2 s · 3 attempts · needs 2 inputs: region, year",
    });
    expect(describeEvent(ev("planning.succeeded", { attempts: 1, ms: 5 })).title).toBe("Plan ready");
    expect(describeEvent(ev("planning.failed", { attempts: 2, ms: 10, reason: "still invalid" }))).toEqual({ tone: "danger", title: "The plan still has problems", detail: "still invalid" });
  });

  it("describes every kind of planning event", () => {
    const kinds = PlanningEvent.options.map((o) => o.shape.type.value);
    const samples: Record<string, Record<string, unknown>> = {
      "planning.started": { goal: "g", source: "offline" },
      "planning.llm_request": { attempt: 1, mode: "text" },
      "planning.llm_retry": { attempt: 1, retry: 1, delayMs: 1, reason: "r" },
      "planning.llm_progress": { attempt: 1, chars: 1 },
      "planning.llm_response": { attempt: 1, ms: 1, ok: true },
      "planning.validation": { attempt: 1, errors: 0, warnings: 0 },
      "planning.repair": { attempt: 1, repairs: [] },
      "planning.fallback": { from: "llm", to: "offline", reason: "r" },
      "planning.succeeded": { attempts: 1, ms: 1 },
      "planning.failed": { attempts: 1, ms: 1, reason: "r" },
    };
    expect(kinds.sort()).toEqual(Object.keys(samples).sort());
    for (const type of kinds) {
      const line = describeEvent(ev(type, samples[type]));
      expect(line.title.length, type).toBeGreaterThan(0);
      expect(["info", "ok", "warning", "danger", "muted"]).toContain(line.tone);
    }
  });
});
