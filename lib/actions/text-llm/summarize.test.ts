import { describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { makeTestCtx, runAction, scriptedLlm } from "../../../tests/support/llm-action-context";
import { summarizeAction } from "./summarize";

const TEXT = "The quarterly review found that revenue grew 12% while support tickets fell by a third. The team will hire two engineers in Q3.";

describe("text.summarize", () => {
  it("fails clearly without an LLM provider", async () => {
    const error = await runAction(summarizeAction, { text: TEXT }, makeTestCtx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: "llm_not_configured" });
  });

  it("returns the summary with its word count and reports usage", async () => {
    const llm = scriptedLlm(JSON.stringify({ summary: "Revenue up 12%, tickets down a third; two hires planned." }), {
      promptTokens: 80,
      completionTokens: 15,
    });
    const ctx = makeTestCtx({ llm });
    const out = await runAction(summarizeAction, { text: TEXT, maxWords: 20, style: "headline", focus: "numbers" }, ctx);
    expect(out).toEqual({ summary: "Revenue up 12%, tickets down a third; two hires planned.", wordCount: 10 });
    expect(ctx.usage).toEqual([{ promptTokens: 80, completionTokens: 15 }]);
    expect(llm.requests[0].prompt).toContain("at most 20 words");
    expect(llm.requests[0].prompt).toContain("Focus on: numbers");
    expect(llm.requests[0].jsonSchema?.name).toBe("summary");
    expect(summarizeAction.spec.usesLlm).toBe(true);
  });

  it("warns, not fails, when the model overshoots maxWords", async () => {
    const ctx = makeTestCtx({ llm: scriptedLlm(JSON.stringify({ summary: "one two three four five six seven" })) });
    const out = await runAction(summarizeAction, { text: TEXT, maxWords: 5 }, ctx);
    expect(out.wordCount).toBe(7);
    expect(ctx.logs.some((l) => l.level === "warn")).toBe(true);
  });

  it("fails with the raw text when the answer is not JSON", async () => {
    const error = await runAction(summarizeAction, { text: TEXT }, makeTestCtx({ llm: scriptedLlm("Revenue grew.") })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_bad_answer", retryable: false, details: { raw: "Revenue grew." } });
  });
});
