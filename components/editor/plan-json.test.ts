import { describe, expect, it } from "vitest";
import { planFileName } from "./plan-json";

describe("planFileName", () => {
  it("makes a file name from the title and version", () => {
    expect(planFileName("Quarterly Revenue Report", 3)).toBe("quarterly-revenue-report-v3.json");
    expect(planFileName("  Sales: EU/US (2024)!  ", 12)).toBe("sales-eu-us-2024-v12.json");
  });

  it("falls back to plan for titles without letters or digits", () => {
    expect(planFileName("", 1)).toBe("plan-v1.json");
    expect(planFileName("日本語 ✨", 2)).toBe("plan-v2.json");
  });

  it("keeps the name short", () => {
    const name = planFileName("a ".repeat(100), 1);
    expect(name.length).toBeLessThanOrEqual(60 + "-v1.json".length);
    expect(name).toMatch(/^a(-a)*-v1\.json$/);
    expect(planFileName(`${"x".repeat(59)} tail`, 4)).toBe(`${"x".repeat(59)}-v4.json`);
  });
});
