import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { templateAction } from "./template";

describe("text.template", () => {
  it("fills flat, nested and list placeholders", async () => {
    const out = await runAction(templateAction, {
      template: "Hi {{ name }}, {{stats.count}} orders in {{regions.1}}; top: {{top.0.product}}. Flags: {{flags}} {{none}}",
      values: { name: "Ana", stats: { count: 42 }, regions: ["North", "South"], top: [{ product: "Desk" }], flags: { a: true }, none: null },
    });
    expect(out.text).toBe('Hi Ana, 42 orders in South; top: Desk. Flags: {"a":true} ');
    expect(out.placeholders.sort()).toEqual(["flags", "name", "none", "regions.1", "stats.count", "top.0.product"]);
  });

  it("refuses unknown placeholders, naming all of them and the known keys", async () => {
    await expect(runAction(templateAction, { template: "{{nme}} {{stats.total}} {{nme}}", values: { name: "x", stats: {} } })).rejects.toThrow(
      "The template uses {{nme}}, {{stats.total}} but values has no such key. Available keys: name, stats.",
    );
  });

  it("does not reach inherited properties and rejects malformed placeholders", async () => {
    await expect(runAction(templateAction, { template: "{{constructor}}", values: {} })).rejects.toMatchObject({ code: "unknown_placeholder" });
    await expect(runAction(templateAction, { template: "{{ a b }}", values: { a: 1 } })).rejects.toMatchObject({ code: "invalid_placeholder" });
  });
});
