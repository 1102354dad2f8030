import { describe, expect, it } from "vitest";
import { stepTitles } from "./step-titles";

const titles: Record<string, string> = { "files.write": "Write a report", "data.chart": "Chart" };
const of = (steps: { id: string; action: string; label?: string }[]) => [...stepTitles(steps, (a) => titles[a]).values()];

describe("stepTitles", () => {
  it("uses the label, else the action's title, else the action id", () => {
    expect(of([{ id: "a", action: "data.chart" }, { id: "b", action: "files.write", label: "Save it" }, { id: "c", action: "x.unknown" }])).toEqual(["Chart", "Save it", "x.unknown"]);
  });

  it("numbers the second and later steps that would share a title", () => {
    expect(of([{ id: "report", action: "files.write" }, { id: "chart", action: "data.chart" }, { id: "svg", action: "files.write" }, { id: "more", action: "files.write" }])).toEqual(["Write a report", "Chart", "Write a report 2", "Write a report 3"]);
    expect(of([{ id: "a", action: "data.chart" }, { id: "b", action: "data.chart", label: "Chart" }])).toEqual(["Chart", "Chart 2"]);
  });

  it("skips a number another step already has as its name", () => {
    expect(of([{ id: "a", action: "files.write" }, { id: "b", action: "data.chart", label: "Write a report 2" }, { id: "c", action: "files.write" }])).toEqual(["Write a report", "Write a report 2", "Write a report 3"]);
  });
});
