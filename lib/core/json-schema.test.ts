import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toJsonSchema } from "./json-schema";

/** Every own property of every object is an enumerable data property: what a page's props and JSON allow. */
function hiddenProperties(value: unknown, at = "$"): string[] {
  if (value === null || typeof value !== "object") return [];
  const out: string[] = [];
  if (Object.getPrototypeOf(value) !== Object.prototype && !Array.isArray(value)) out.push(`${at} (not a plain object)`);
  for (const name of Object.getOwnPropertyNames(value)) {
    const d = Object.getOwnPropertyDescriptor(value, name)!;
    if (Array.isArray(value) && name === "length") continue;
    if (!d.enumerable || d.get || d.set) out.push(`${at}.${name}`);
  }
  for (const [k, v] of Object.entries(value)) out.push(...hiddenProperties(v, `${at}.${k}`));
  return out;
}

describe("toJsonSchema", () => {
  it("gives plain data, without the hidden properties zod adds, so a spec can be a page's props", () => {
    const schema = toJsonSchema(z.object({ rows: z.array(z.record(z.string(), z.unknown())), title: z.string().optional(), n: z.number().int().default(3) }));
    expect(hiddenProperties(schema)).toEqual([]);
    expect(schema).toMatchObject({ type: "object", required: ["rows"] });
    expect(schema.$schema).toBeUndefined();
  });
});
