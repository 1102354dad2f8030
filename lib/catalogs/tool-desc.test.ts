import { describe, expect, it } from "vitest";
import { testContext, runAction } from "../../tests/support/action-context";
import { checkValue } from "../core/check-value";
import { catalogFromToolDesc } from "./tool-desc";
import { readToolDesc, SETS } from "../../tests/support/taskbench-data";

const sampleValue = (schema: Record<string, unknown>): string => {
  switch (schema.format) {
    case "image": return "example.jpg";
    case "audio": return "example.wav";
    case "video": return "example.mp4";
    case "uri": return "https://example.com/page";
    case "date": return "2023-06-01";
    default: return "some text";
  }
};

describe("catalog from tool_desc.json", () => {
  it("maps multimedia tools to actions with typed inputs and a bare output", () => {
    const cat = catalogFromToolDesc("multimedia", readToolDesc("multimedia"));
    expect(cat.tools.length).toBe(40);
    expect(cat.dependency).toBe("resource");
    const search = cat.catalog.get("image_search")!;
    expect(search).toMatchObject({ title: "Image Search", flows: ["multimedia"], source: "taskbench:multimedia" });
    expect(search.output).toEqual({ type: "string", format: "image" }); // "Image" normalised
    expect(cat.nameOf("image_search_by_image")).toBe("Image Search (by Image)");
    expect(cat.catalog.get("audio_splicer")!.input).toEqual({
      type: "object",
      properties: { audio: { type: "string", format: "audio" }, audio_2: { type: "string", format: "audio" } },
      required: ["audio", "audio_2"],
      additionalProperties: false,
    });
    expect(cat.catalog.get("image_downloader")!.input.properties).toEqual({ url: { type: "string", format: "uri" } });
  });
  it("gives Sentence Similarity a text output and dailylifeapis named parameters", () => {
    const hf = catalogFromToolDesc("huggingface", readToolDesc("huggingface"));
    expect(hf.catalog.get("sentence_similarity")!.output).toEqual({ type: "string" });
    const daily = catalogFromToolDesc("dailylifeapis", readToolDesc("dailylifeapis"));
    expect(daily.dependency).toBe("temporal");
    expect(daily.catalog.get("get_weather")!.input.properties).toEqual({ location: { type: "string" }, date: { type: "string", format: "date" } });
  });

  for (const set of SETS) {
    it(`${set}: every simulated tool returns a value that fits its output schema`, async () => {
      const cat = catalogFromToolDesc(set, readToolDesc(set));
      for (const action of cat.registry.list()) {
        const props = (action.spec.input.properties ?? {}) as Record<string, Record<string, unknown>>;
        const input = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, sampleValue(s)]));
        const out = await runAction(action, input, testContext());
        expect(checkValue(out, action.spec.output), `${action.id} → ${String(out)}`).toEqual([]);
        expect(String(out)).toMatch(/simulated/);
        expect(await runAction(action, input, testContext())).toEqual(out); // deterministic
      }
    });
  }
});
