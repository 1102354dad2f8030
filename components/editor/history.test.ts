import { describe, expect, it } from "vitest";
import { emptyPlan, type Plan } from "@/lib/core/plan";
import { MAX_HISTORY, emptyHistory, record, redo, undo, type History } from "./history";

const plan = (goal: string): Plan => emptyPlan(goal);
const labels = (h: History) => h.past.map((e) => e.label);

describe("record", () => {
  it("pushes the plan before the edit and clears the redo stack", () => {
    const a = plan("a");
    const b = plan("b");
    const h1 = record(emptyHistory, a, "first");
    expect(h1.past).toEqual([{ plan: a, label: "first" }]);
    expect(h1.past[0].plan).toBe(a);
    expect(h1.openKey).toBeNull();

    const withFuture: History = { ...h1, future: [{ plan: b, label: "later" }] };
    const h2 = record(withFuture, b, "second");
    expect(labels(h2)).toEqual(["first", "second"]);
    expect(h2.future).toEqual([]);
  });

  it("leaves the history it was given untouched", () => {
    const h1 = record(emptyHistory, plan("a"), "first");
    const before = structuredClone(h1);
    record(h1, plan("b"), "second");
    expect(h1).toEqual(before);
    expect(emptyHistory).toEqual({ past: [], future: [], openKey: null });
  });

  it("coalesces consecutive edits with the same key into one entry", () => {
    const p0 = plan("");
    const h1 = record(emptyHistory, p0, "Type goal", "goal");
    const h2 = record(h1, plan("T"), "Type goal", "goal");
    const h3 = record(h2, plan("Tr"), "Type goal", "goal");
    expect(h3.past).toHaveLength(1);
    expect(h3.past[0].plan).toBe(p0);
    expect(h3.openKey).toBe("goal");
  });

  it("starts a new entry when the key changes or an edit has no key", () => {
    const h1 = record(emptyHistory, plan("0"), "Edit a", "a");
    const h2 = record(h1, plan("1"), "Edit b", "b");
    const h3 = record(h2, plan("2"), "Delete");
    const h4 = record(h3, plan("3"), "Edit b", "b");
    expect(labels(h4)).toEqual(["Edit a", "Edit b", "Delete", "Edit b"]);
    expect(h3.openKey).toBeNull();
    expect(h4.openKey).toBe("b");
  });

  it("does not coalesce into an empty past even when the key is open", () => {
    const h = record({ past: [], future: [], openKey: "k" }, plan("a"), "Edit", "k");
    expect(h.past).toHaveLength(1);
  });

  it("a coalesced edit still clears the redo stack", () => {
    const h1 = record(emptyHistory, plan("a"), "Edit", "k");
    const h2 = record({ ...h1, future: [{ plan: plan("z"), label: "x" }] }, plan("b"), "Edit", "k");
    expect(h2.past).toHaveLength(1);
    expect(h2.future).toEqual([]);
  });

  it(`keeps at most ${MAX_HISTORY} entries, dropping the oldest`, () => {
    let h: History = emptyHistory;
    for (let i = 0; i < MAX_HISTORY + 5; i++) h = record(h, plan(String(i)), `edit ${i}`);
    expect(h.past).toHaveLength(MAX_HISTORY);
    expect(h.past[0].label).toBe("edit 5");
    expect(h.past.at(-1)!.label).toBe(`edit ${MAX_HISTORY + 4}`);
  });
});

describe("undo and redo", () => {
  it("returns null with nothing to undo or redo", () => {
    expect(undo(emptyHistory, plan("a"))).toBeNull();
    expect(redo(emptyHistory, plan("a"))).toBeNull();
  });

  it("walks back and forth through the snapshots", () => {
    const p0 = plan("0");
    const p1 = plan("1");
    const p2 = plan("2");
    let h = record(emptyHistory, p0, "one");
    h = record(h, p1, "two");

    const u1 = undo(h, p2)!;
    expect(u1.plan).toBe(p1);
    expect(u1.label).toBe("two");
    const u2 = undo(u1.history, u1.plan)!;
    expect(u2.plan).toBe(p0);
    expect(u2.label).toBe("one");
    expect(undo(u2.history, u2.plan)).toBeNull();

    const r1 = redo(u2.history, u2.plan)!;
    expect(r1.plan).toBe(p1);
    expect(r1.label).toBe("one");
    const r2 = redo(r1.history, r1.plan)!;
    expect(r2.plan).toBe(p2);
    expect(r2.label).toBe("two");
    expect(redo(r2.history, r2.plan)).toBeNull();
    expect(labels(r2.history)).toEqual(["one", "two"]);
  });

  it("closes the coalescing key, so typing after an undo is a new entry", () => {
    const p0 = plan("");
    let h = record(emptyHistory, p0, "Type", "goal");
    h = record(h, plan("a"), "Type", "goal");
    const u = undo(h, plan("ab"))!;
    expect(u.history.openKey).toBeNull();
    expect(u.plan).toBe(p0);
    const h2 = record(u.history, p0, "Type", "goal");
    expect(h2.past).toHaveLength(1);
    expect(h2.future).toEqual([]);
    const r = redo({ ...h, openKey: "goal", future: [{ plan: p0, label: "x" }] }, plan("q"))!;
    expect(r.history.openKey).toBeNull();
  });

  it("a new edit after an undo drops what could be redone", () => {
    let h = record(emptyHistory, plan("0"), "one");
    const u = undo(h, plan("1"))!;
    expect(u.history.future).toHaveLength(1);
    h = record(u.history, u.plan, "other");
    expect(h.future).toEqual([]);
    expect(redo(h, plan("x"))).toBeNull();
  });
});
