import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { joinAction, splitAction } from "./split-join";

describe("text.split", () => {
  it("splits lines (LF or CRLF), trimming and dropping empties by default", async () => {
    const out = await runAction(splitAction, { text: " apples \r\nbananas\n\n  cherries\n" });
    expect(out).toEqual({ parts: ["apples", "bananas", "cherries"], count: 3 });
  });

  it("splits on literal text or a regex, with limit and without cleanup", async () => {
    expect((await runAction(splitAction, { text: "a, b,,c", separator: ",", trim: false, removeEmpty: false })).parts).toEqual(["a", " b", "", "c"]);
    expect((await runAction(splitAction, { text: "a; b,c ;d", separator: "\\s*[,;]\\s*", regex: true, limit: 3 })).parts).toEqual(["a", "b", "c"]);
    await expect(runAction(splitAction, { text: "a", separator: "[", regex: true })).rejects.toMatchObject({ code: "invalid_regex" });
  });
});

describe("text.join", () => {
  it("joins with a separator, styles and prefix/suffix, skipping nulls", async () => {
    expect(await runAction(joinAction, { parts: ["a", 2, null, true], separator: ", " })).toEqual({ text: "a, 2, true", count: 3 });
    const bullets = await runAction(joinAction, { parts: ["x", "y"], style: "bullets", prefix: "Items:\n", suffix: "\n" });
    expect(bullets.text).toBe("Items:\n- x\n- y\n");
    expect((await runAction(joinAction, { parts: ["x", "y"], style: "numbered" })).text).toBe("1. x\n2. y");
  });

  it("round-trips with split", async () => {
    const split = await runAction(splitAction, { text: "one\ntwo\nthree" });
    expect((await runAction(joinAction, { parts: split.parts })).text).toBe("one\ntwo\nthree");
  });
});
