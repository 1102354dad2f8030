import { describe, expect, it } from "vitest";
import { badPathProblem } from "./bad-url-guard";

describe("badPathProblem", () => {
  it("accepts paths that decode, whatever their query says", () => {
    for (const ok of ["/", "/api/plans/abc", "/runs/%C3%A9t%C3%A9", "/api/runs?since=%zz", "/a%20b#%E0"]) expect(badPathProblem(ok), ok).toBeUndefined();
  });
  it("refuses broken escapes and invalid UTF-8 in the path", () => {
    for (const bad of ["/api/plans/%E0%A4%A", "/%zz", "/abc%", "/api/runs/%C0%80", "/%ED%A0%80"]) expect(badPathProblem(bad), bad).toMatch(/not valid percent-encoded UTF-8/);
  });
});
