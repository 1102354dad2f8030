import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ActionError } from "@/lib/core/action";
import { makeTestCtx } from "../../../tests/support/llm-action-context";
import { completeJson, parseAnswer } from "./llm-json";

const Answer = z.object({ n: z.number() });

describe("completeJson", () => {
  it("accepts JSON wrapped in a code fence", () => {
    expect(parseAnswer('```json\n{"n": 3}\n```', Answer)).toEqual({ n: 3 });
  });

  it("marks provider failures retryable and keeps ActionErrors as they are", async () => {
    const ctx = makeTestCtx({
      llm: {
        model: "down",
        complete: async () => {
          throw new Error("ECONNRESET");
        },
      },
    });
    const error = await completeJson(ctx, { prompt: "x", name: "n", answer: Answer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: "llm_request_failed", retryable: true });
    expect((error as Error).message).toContain("ECONNRESET");
  });

  it("reports a shape mismatch with the raw text", async () => {
    const ctx = makeTestCtx({ llm: { model: "m", complete: async () => ({ text: '{"n": "three"}' }) } });
    const error = await completeJson(ctx, { prompt: "x", name: "n", answer: Answer }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_bad_answer", retryable: false, details: { raw: '{"n": "three"}' } });
  });
});
