import { describe, expect, it } from "vitest";
import { makeTestCtx, runAction, scriptedLlm } from "../../../tests/support/llm-action-context";
import { classifyAction } from "./classify";

const TEXT = "The export button crashes the app every time I click it.";
const LABELS = ["bug", "feature request", "question"];

describe("text.classify", () => {
  it("fails clearly without an LLM provider", async () => {
    const error = await runAction(classifyAction, { text: TEXT, labels: LABELS }, makeTestCtx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_not_configured" });
  });

  it("returns one label among the given ones, with confidence and usage", async () => {
    const llm = scriptedLlm(JSON.stringify({ label: "bug", confidence: 0.93 }));
    const ctx = makeTestCtx({ llm });
    const out = await runAction(classifyAction, { text: TEXT, labels: LABELS }, ctx);
    expect(out).toEqual({ label: "bug", labels: ["bug"], confidence: 0.93 });
    expect(ctx.usage).toHaveLength(1);
    const schema = llm.requests[0].jsonSchema?.schema as { properties: { label: { enum: string[] } } };
    expect(schema.properties.label.enum).toEqual(LABELS);
  });

  it("maps a label written in another case to the given one", async () => {
    const out = await runAction(classifyAction, { text: TEXT, labels: LABELS }, makeTestCtx({ llm: scriptedLlm('{"label": "Feature  Request", "confidence": 0.5}') }));
    expect(out.label).toBe("feature request");
  });

  it("refuses a label that is not among the given ones", async () => {
    const raw = JSON.stringify({ label: "complaint", confidence: 0.8 });
    const error = await runAction(classifyAction, { text: TEXT, labels: LABELS }, makeTestCtx({ llm: scriptedLlm(raw) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_bad_answer", retryable: false, details: { raw } });
  });

  it("returns several labels in multi-label mode, without duplicates", async () => {
    const llm = scriptedLlm(JSON.stringify({ labels: ["bug", "question", "bug"], confidence: 0.7 }));
    const out = await runAction(classifyAction, { text: `${TEXT} Is there a workaround?`, labels: LABELS, multiLabel: true }, makeTestCtx({ llm }));
    expect(out).toEqual({ label: "bug", labels: ["bug", "question"], confidence: 0.7 });
  });

  it("rejects duplicate labels in the input", () => {
    expect(classifyAction.input.safeParse({ text: TEXT, labels: ["bug", "Bug"] }).success).toBe(false);
  });
});
