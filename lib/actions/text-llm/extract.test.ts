import { describe, expect, it } from "vitest";
import { makeTestCtx, runAction, scriptedLlm } from "../../../tests/support/llm-action-context";
import { extractAction } from "./extract";

const TEXT = "Invoice INV-2025-114 from Acme GmbH. Total due: 1,250.00 EUR by 15 March 2025. Already paid: no.";
const FIELDS = [
  { name: "invoice_number", type: "string", description: "the invoice number" },
  { name: "total", type: "number", description: "total amount due" },
  { name: "due_date", type: "date", description: "payment due date" },
  { name: "paid", type: "boolean", description: "whether it is paid" },
  { name: "po_number", type: "string", description: "purchase order number" },
];

describe("text.extract", () => {
  it("fails clearly without an LLM provider", async () => {
    const error = await runAction(extractAction, { text: TEXT, fields: FIELDS }, makeTestCtx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_not_configured" });
  });

  it("returns typed values and lists the missing fields", async () => {
    const llm = scriptedLlm(
      JSON.stringify({ invoice_number: "INV-2025-114", total: "1,250.00", due_date: "2025-03-15", paid: false, po_number: null }),
    );
    const ctx = makeTestCtx({ llm });
    const out = await runAction(extractAction, { text: TEXT, fields: FIELDS }, ctx);
    expect(out).toEqual({
      values: { invoice_number: "INV-2025-114", total: 1250, due_date: "2025-03-15", paid: false, po_number: null },
      missing: ["po_number"],
    });
    expect(ctx.usage).toHaveLength(1);
    const schema = llm.requests[0].jsonSchema?.schema as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(FIELDS.map((f) => f.name));
    expect(schema.additionalProperties).toBe(false);
  });

  it("treats a field the model left out as missing", async () => {
    const out = await runAction(
      extractAction,
      { text: TEXT, fields: FIELDS.slice(0, 2) },
      makeTestCtx({ llm: scriptedLlm('{"invoice_number": "INV-2025-114"}') }),
    );
    expect(out).toEqual({ values: { invoice_number: "INV-2025-114", total: null }, missing: ["total"] });
  });

  it("refuses a value of the wrong type, with the raw text", async () => {
    const raw = JSON.stringify({ invoice_number: "x", total: 1, due_date: "March 15th", paid: false, po_number: null });
    const error = await runAction(extractAction, { text: TEXT, fields: FIELDS }, makeTestCtx({ llm: scriptedLlm(raw) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_bad_answer", retryable: false, details: { raw } });
  });

  it("rejects bad field names and duplicates in the input", () => {
    expect(extractAction.input.safeParse({ text: TEXT, fields: [{ name: "due date", type: "date", description: "d" }] }).success).toBe(false);
    expect(extractAction.input.safeParse({ text: TEXT, fields: [FIELDS[0], FIELDS[0]] }).success).toBe(false);
  });
});
