import { describe, expect, it } from "vitest";
import { Catalog } from "@/lib/core/catalog";
import { syntheticActions } from "@/lib/bench/synthetic";
import { actionIndex, retrieveActions } from "./retrieval";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import { terms } from "./text/tokens";

describe("lexical retrieval", () => {
  it("folds word forms and synonyms together", () => {
    expect(terms("Transcribing the transcripts of photos and pictures")).toEqual(["transcrib", "transcrib", "imag", "imag"]);
    expect(terms("charts, plots and graphs")).toEqual(["chart", "chart", "chart"]);
  });

  it("ranks actions by their names, descriptions and fields", () => {
    const index = actionIndex(builtinRegistry().catalog.list());
    expect(index.search("group rows and sum a column", 1)[0].spec.id).toBe("data.group_aggregate");
    expect(index.search("download a web page", 1)[0].spec.id).toBe("web.fetch");
    expect(index.search("write SQL for a question", 1)[0].spec.id).toBe("sql.generate");
    expect(actionIndex(builtinRegistry().catalog.list())).toBe(index);
  });

  it("cuts a large catalog to the relevant actions plus producers of what they need", () => {
    const big = new Catalog([...builtinRegistry().catalog.list(), ...syntheticActions(100).map((a) => a.spec)]);
    const offered = retrieveActions(big.list(), { text: "chart revenue by region", include: ["files.write"], exclude: ["data.to_markdown"], limit: 12 }).map((s) => s.id);
    expect(offered).toHaveLength(12);
    expect(offered).toEqual(expect.arrayContaining(["files.write", "data.chart_svg"]));
    expect(offered).not.toContain("data.to_markdown");
    expect(retrieveActions(builtinRegistry().catalog.forFlows(["web"]).list(), { text: "x" })).toHaveLength(4);
  });
});
