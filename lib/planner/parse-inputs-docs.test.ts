/**
 * What docs/api.md and the README say "Fill from text" reads, read as they say: every
 * parse-inputs example in docs/api.md is sent through the request schema and the offline reader
 * and must answer exactly what the page prints; every example the README quotes is one of them,
 * or a date the reader reads whole.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ParseInputsBody, ParsedInputs } from "../contract/plans";
import { parseInputs } from "./parse-inputs";
import { findDates, parseDay } from "./text/dates";

const ROOT = path.resolve(__dirname, "..", "..");
const apiDoc = readFileSync(path.join(ROOT, "docs", "api.md"), "utf8");
const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** Each `curl … /api/plans/parse-inputs … -d '<body>'` with the `# <answer>` line under it. */
const examples = [...apiDoc.matchAll(/curl [^\n]*\/api\/plans\/parse-inputs[^\n]*\\\n\s*-d '([^']*)'\n# (\{[^\n]*\})/g)].map((m) => ({ body: m[1], answer: m[2] }));

describe("docs/api.md: read input values out of text", () => {
  it("has examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const example of examples) {
    it(`answers as documented: ${example.body.slice(0, 90)}`, async () => {
      const body = ParseInputsBody.parse(JSON.parse(example.body));
      const documented = ParsedInputs.parse(JSON.parse(example.answer));
      expect(documented.source).toBe("offline");
      expect(await parseInputs(body.message, body.inputs ?? [], { today: body.today })).toEqual(documented);
    });
  }
});

describe("README: Fill from text", () => {
  it("quotes only examples that docs/api.md tests, or dates the reader reads whole", () => {
    const passage = /\*Fill\s+from text\*([\s\S]*?)see `docs\/api\.md`/.exec(readme)?.[1];
    expect(passage, "the README describes Fill from text").toBeTruthy();
    const quoted = [...passage!.matchAll(/"([^"]+)"/g)].map((m) => m[1].replace(/\s+/g, " "));
    expect(quoted.length).toBeGreaterThan(0);
    const messages = new Set(examples.map((e) => (JSON.parse(e.body) as { message: string }).message));
    const today = parseDay("2025-07-31")!;
    for (const q of quoted) {
      const whole = findDates(q, today).some((d) => d.start === 0 && d.end === q.length);
      expect(messages.has(q) || whole, `"${q}" is a tested example`).toBe(true);
    }
  });
});
