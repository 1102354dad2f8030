import { describe, expect, it } from "vitest";
import { evaluateFolder } from "./evaluate";
import { taskbenchDir } from "../../tests/support/taskbench-data";

describe("evaluateFolder on the sample", () => {
  it("reports gold validity per set and scores the MiniMax predictions", async () => {
    const lines: Record<string, unknown>[] = [];
    for await (const line of evaluateFolder(taskbenchDir())) lines.push(line as unknown as Record<string, unknown>);
    expect(lines.filter((l) => l.eval === "gold-validity").map((l) => l.set)).toEqual(["dailylifeapis", "huggingface", "multimedia"]);
    const pred = lines.find((l) => l.eval === "predictions")!;
    expect(pred).toMatchObject({ set: "multimedia", model: "minimax-text-01", records: 380, matched: 87 });
    // cross-checked against a line-by-line Python re-run of evaluate.py's set building on the same 87 samples
    expect(pred).toMatchObject({ n_f1: 84.86, e_f1: 51.59, t_f1: 78.74, v_f1: 58.56 });
  });
});
