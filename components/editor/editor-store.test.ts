import { describe, expect, it } from "vitest";
import type { Plan, Step } from "@/lib/core/plan";
import { connect, updateStep } from "@/lib/core/plan-edits";
import { catalog } from "@/tests/support/core-fixtures";
import { createEditorStore, type EditorInit, type EditorStore } from "./editor-store";
import { bindingEdgeId, orderEdgeId } from "./handles";
import { hashOf } from "./validation";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });

const steps: Step[] = [
  { id: "load", action: "load_csv", inputs: { path: lit("sales.csv") } },
  { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total") } },
];
const basePlan: Plan = { goal: "Total revenue", flows: [], inputs: [], steps, outputs: { total: ref("fmt") } };
const placed = { load: { x: 0, y: 0 }, sum: { x: 400, y: 0 }, fmt: { x: 800, y: 0 } };

const make = (over: Partial<EditorInit> = {}): EditorStore =>
  createEditorStore({ planId: "p1", plan: basePlan, versionId: "v1", versionHash: hashOf(basePlan), catalog: catalog.list(), positions: placed, ...over });
const ids = (s: EditorStore) => s.getState().plan.steps.map((x) => x.id);
const stepOf = (s: EditorStore, id: string) => s.getState().plan.steps.find((x) => x.id === id);
const lastToast = (s: EditorStore) => s.getState().toasts.at(-1);
const past = (s: EditorStore) => s.getState().history.past.map((e) => e.label);

describe("createEditorStore", () => {
  it("starts from the saved version with no history", () => {
    const s = make().getState();
    expect(s.plan).toBe(basePlan);
    expect(s).toMatchObject({ planId: "p1", baseVersionId: "v1", baseHash: hashOf(basePlan), selectedSteps: [], toasts: [], sidebar: "add", dialog: null });
    expect(s.history).toEqual({ past: [], future: [], openKey: null });
    expect(s.catalog.get("load_csv")?.title).toBe("Load CSV");
  });

  it("keeps server positions when every step has one, else asks for a layout", () => {
    const full = make().getState();
    expect(full.positions).toEqual(placed);
    expect(full.layoutRequest).toBe(0);
    expect(full.layoutDone).toBe(full.layoutRequest);

    const partial = make({ positions: { load: { x: 0, y: 0 } } }).getState();
    expect(partial.positions).toEqual({});
    expect(partial.layoutRequest).toBe(1);
    expect(make({ positions: undefined }).getState().layoutRequest).toBe(1);
  });
});

describe("apply", () => {
  it("changes the plan as one undo entry and keeps the old plan untouched", () => {
    const store = make();
    expect(store.getState().actions.apply("Label sum", (p) => updateStep(p, "sum", { label: "Revenue" }))).toBe(true);
    expect(stepOf(store, "sum")!.label).toBe("Revenue");
    expect(basePlan.steps[1].label).toBeUndefined();
    expect(past(store)).toEqual(["Label sum"]);
    // unchanged steps keep their identity
    expect(stepOf(store, "load")).toBe(basePlan.steps[0]);
  });

  it("refuses with a toast and leaves everything as it was", () => {
    const store = make();
    const before = store.getState();
    const ok = before.actions.apply("Connect", (p) => connect(p, before.catalog, { kind: "step", step: "fmt" }, { step: "load", input: "path" }));
    expect(ok).toBe(false);
    const after = store.getState();
    expect(after.plan).toBe(before.plan);
    expect(after.history).toBe(before.history);
    expect(lastToast(store)).toMatchObject({ kind: "error", message: '"fmt" already depends on "load": connecting them would make a cycle.' });
  });

  it("refuses a type-incompatible connection with the reason", () => {
    const store = make();
    const { actions, catalog: cat } = store.getState();
    expect(actions.apply("Connect", (p) => connect(p, cat, { kind: "step", step: "load", path: ["table"] }, { step: "fmt", input: "value" }))).toBe(false);
    expect(lastToast(store)!.message).toMatch(/"value" needs number/);
    expect(past(store)).toEqual([]);
  });

  it("records nothing when the edit changes nothing", () => {
    const store = make();
    expect(store.getState().actions.apply("Nothing", (p) => p)).toBe(true);
    expect(store.getState().actions.apply("Same label", (p) => updateStep(p, "ghost", { label: "x" }))).toBe(true);
    expect(past(store)).toEqual([]);
  });

  it("coalesces edits with the same key", () => {
    const store = make();
    const { apply } = store.getState().actions;
    for (const goal of ["T", "To", "Tot"]) apply("Edit goal", (p) => ({ ...p, goal }), { key: "goal" });
    apply("Label", (p) => updateStep(p, "fmt", { label: "Pretty" }));
    expect(past(store)).toEqual(["Edit goal", "Label"]);
    store.getState().actions.undo();
    store.getState().actions.undo();
    expect(store.getState().plan).toBe(basePlan);
  });

  it("selects what it is told, else keeps the selection that still exists", () => {
    const store = make();
    const { actions } = store.getState();
    actions.select(["sum", "fmt"], [bindingEdgeId("fmt", "value")]);
    actions.apply("Remove fmt", (p) => ({ ...p, steps: p.steps.filter((x) => x.id !== "fmt") }));
    expect(store.getState().selectedSteps).toEqual(["sum"]);
    actions.apply("Label", (p) => updateStep(p, "load", { label: "L" }), { select: ["load"] });
    expect(store.getState().selectedSteps).toEqual(["load"]);
    expect(store.getState().selectedEdges).toEqual([]);
  });
});

describe("adding steps", () => {
  it("adds an action with a fresh id, selected, at a free spot", () => {
    const store = make();
    const id = store.getState().actions.addAction("load_csv");
    expect(id).toBe("load_csv");
    expect(ids(store)).toEqual(["load", "sum", "fmt", "load_csv"]);
    const s = store.getState();
    expect(s.selectedSteps).toEqual(["load_csv"]);
    expect(past(store)).toEqual(["Add Load CSV"]);
    // the origin is taken by "load": the new node goes below it
    const at = s.positions.load_csv;
    expect(at.x).toBe(0);
    expect(at.y).toBeGreaterThan(0);

    const second = s.actions.addAction("load_csv");
    expect(second).toBe("load_csv_2");
    expect(store.getState().positions.load_csv_2.y).toBeGreaterThan(at.y);
  });

  it("adds at a given spot", () => {
    const store = make();
    const id = store.getState().actions.addAction("format_number", { at: { x: 5, y: 6 } })!;
    expect(store.getState().positions[id]).toEqual({ x: 5, y: 6 });
  });

  it("inserts after a step and wires the first fitting output into it", () => {
    const store = make();
    const id = store.getState().actions.addAction("sum_column", { after: "load" })!;
    expect(ids(store)).toEqual(["load", id, "sum", "fmt"]);
    expect(stepOf(store, id)!.inputs).toEqual({ table: ref("load", "table") });
    expect(stepOf(store, id)!.after).toBeUndefined();
    const pos = store.getState().positions[id];
    expect(pos.x).toBeGreaterThan(placed.load.x);
  });

  it("refuses to insert after a step that is not there", () => {
    const store = make();
    expect(store.getState().actions.addAction("sum_column", { after: "ghost" })).toBeNull();
    expect(ids(store)).toEqual(["load", "sum", "fmt"]);
    expect(lastToast(store)).toMatchObject({ kind: "error", message: 'There is no step "ghost" to insert after.' });
  });

  it("adds the action's flow to a plan scoped to other flows", () => {
    const store = make({ plan: { ...basePlan, flows: ["data"] } });
    store.getState().actions.addAction("send_email");
    expect(store.getState().plan.flows).toEqual(["data", "comms"]);
    store.getState().actions.addAction("format_number");
    expect(store.getState().plan.flows).toEqual(["data", "comms"]);
  });

  it("starts an empty plan", () => {
    const empty: Plan = { goal: "", flows: [], inputs: [], steps: [], outputs: {} };
    const store = make({ plan: empty, positions: {} });
    expect(store.getState().layoutRequest).toBe(0);
    expect(store.getState().actions.addAction("load_csv")).toBe("load_csv");
    expect(store.getState().positions.load_csv).toEqual({ x: 0, y: 0 });
  });
});

describe("undo and redo", () => {
  it("walks back to the saved plan and forward again, with a toast each way", () => {
    const store = make();
    const { actions } = store.getState();
    actions.addAction("load_csv");
    actions.renameStep("sum", "total");
    const edited = store.getState().plan;

    actions.undo();
    expect(lastToast(store)).toMatchObject({ kind: "info", message: "Undid: Rename sum to total" });
    actions.undo();
    expect(store.getState().plan).toBe(basePlan);
    expect(hashOf(store.getState().plan)).toBe(store.getState().baseHash);

    actions.redo();
    actions.redo();
    expect(lastToast(store)).toMatchObject({ message: "Redid: Rename sum to total" });
    expect(store.getState().plan).toBe(edited);
    expect(hashOf(edited)).not.toBe(store.getState().baseHash);
  });

  it("does nothing past the start or the end", () => {
    const store = make();
    const before = store.getState();
    before.actions.undo();
    before.actions.redo();
    expect(store.getState()).toBe(before);

    before.actions.addAction("load_csv");
    store.getState().actions.undo();
    const atStart = store.getState();
    atStart.actions.undo();
    expect(store.getState()).toBe(atStart);
    expect(store.getState().plan).toBe(basePlan);
  });

  it("a new edit after an undo cannot be redone over", () => {
    const store = make();
    const { actions } = store.getState();
    actions.addAction("load_csv");
    actions.undo();
    actions.addAction("format_number");
    const s = store.getState();
    actions.redo();
    expect(store.getState().plan).toBe(s.plan);
    expect(ids(store)).toEqual(["load", "sum", "fmt", "format_number"]);
  });

  it("drops undone steps from the selection, so adding after the selection still works", () => {
    const store = make();
    const { actions } = store.getState();
    const id = actions.addAction("load_csv")!;
    expect(store.getState().selectedSteps).toEqual([id]);
    actions.undo();
    expect(store.getState().selectedSteps).toEqual([]);
    // what the palette does with a single selected step
    expect(actions.addAction("sum_column", { after: store.getState().selectedSteps[0] })).toBe("sum_column");
    expect(store.getState().toasts.filter((t) => t.kind === "error")).toEqual([]);

    actions.select(["load", "sum_column"]);
    actions.undo();
    expect(store.getState().selectedSteps).toEqual(["load"]);
    actions.redo();
    expect(store.getState().selectedSteps).toEqual(["load"]);
  });
});

describe("rename", () => {
  it("renames a step with its references, place, expansion and selection", () => {
    const store = make();
    const { actions } = store.getState();
    actions.toggleExpanded("sum");
    expect(actions.renameStep("sum", "total")).toBe(true);
    const s = store.getState();
    expect(ids(store)).toEqual(["load", "total", "fmt"]);
    expect(stepOf(store, "fmt")!.inputs.value).toEqual(ref("total", "total"));
    expect(s.positions.total).toEqual(placed.sum);
    expect(s.expanded.total).toBe(true);
    expect(s.selectedSteps).toEqual(["total"]);
  });

  it("refuses a taken or invalid id", () => {
    const store = make();
    const { actions } = store.getState();
    expect(actions.renameStep("sum", "load")).toBe(false);
    expect(lastToast(store)!.message).toBe('There is already a step "load".');
    expect(actions.renameStep("sum", "9 lives")).toBe(false);
    expect(actions.renameStep("ghost", "x")).toBe(false);
    expect(store.getState().plan).toBe(basePlan);
    expect(store.getState().positions).toEqual(placed);
  });
});

describe("deleting", () => {
  it("deletes the selected steps as one undo entry, unbinding what read them", () => {
    const store = make();
    const { actions } = store.getState();
    actions.select(["sum"]);
    actions.deleteSelection();
    expect(ids(store)).toEqual(["load", "fmt"]);
    expect(stepOf(store, "fmt")!.inputs).toEqual({});
    expect(past(store)).toEqual(["Delete step sum"]);
    expect(store.getState().selectedSteps).toEqual([]);
    actions.undo();
    expect(store.getState().plan).toBe(basePlan);
  });

  it("deletes selected connections", () => {
    const store = make({ plan: { ...basePlan, steps: basePlan.steps.map((x) => (x.id === "fmt" ? { ...x, after: ["load"] } : x)) } });
    const { actions } = store.getState();
    actions.select([], [bindingEdgeId("sum", "table"), orderEdgeId("load", "fmt"), "not-an-edge"]);
    actions.deleteSelection();
    expect(stepOf(store, "sum")!.inputs).toEqual({ column: lit("revenue") });
    expect(stepOf(store, "fmt")!.after).toBeUndefined();
    expect(past(store)).toEqual(["Delete 3 connections"]);
  });

  it("does nothing with nothing selected", () => {
    const store = make();
    const before = store.getState();
    before.actions.deleteSelection();
    expect(store.getState()).toBe(before);
  });

  it("names a multi-step delete by its count", () => {
    const store = make();
    store.getState().actions.selectAll();
    expect(store.getState().selectedSteps).toEqual(["load", "sum", "fmt"]);
    store.getState().actions.deleteSelection();
    expect(ids(store)).toEqual([]);
    expect(store.getState().plan.outputs).toEqual({});
    expect(past(store)).toEqual(["Delete 3 steps"]);
  });
});

describe("copy and paste", () => {
  it("copies the selection and pastes fresh copies below their originals, never on top of a step, wired among themselves", () => {
    const store = make();
    const { actions } = store.getState();
    actions.select(["load", "sum"]);
    expect(actions.copySelection().map((x) => x.id)).toEqual(["load", "sum"]);
    expect(lastToast(store)!.message).toBe("Copied 2 steps.");

    actions.paste();
    let s = store.getState();
    expect(ids(store)).toEqual(["load", "sum", "fmt", "load_2", "sum_2"]);
    expect(stepOf(store, "sum_2")!.inputs.table).toEqual(ref("load_2", "table"));
    expect(s.selectedSteps).toEqual(["load_2", "sum_2"]);
    // Default node boxes are 160 high: the copies keep their arrangement 40 px under the originals.
    expect(s.positions.load_2).toEqual({ x: 0, y: 200 });
    expect(s.positions.sum_2).toEqual({ x: 400, y: 200 });
    expect(s.revealRequest?.ids).toEqual(["load_2", "sum_2"]);
    expect(past(store)).toEqual(["Paste 2 steps"]);

    actions.paste();
    s = store.getState();
    expect(s.positions.load_3).toEqual({ x: 0, y: 400 });
    expect(s.pasteCount).toBe(2);
  });

  it("pastes steps from elsewhere, keeping references to steps of this plan", () => {
    const store = make();
    store.getState().actions.paste([{ id: "fmt", action: "format_number", inputs: { value: ref("sum", "total") } }, { id: "x", action: "format_number", inputs: { value: ref("elsewhere") } }]);
    expect(stepOf(store, "fmt_2")!.inputs.value).toEqual(ref("sum", "total"));
    expect(stepOf(store, "x")!.inputs).toEqual({});
    expect(store.getState().positions.fmt_2).toEqual({ x: 800, y: 200 });
    expect(store.getState().positions.x).toEqual({ x: 0, y: 400 });
  });

  it("does nothing with an empty clipboard or selection", () => {
    const store = make();
    const before = store.getState();
    expect(before.actions.copySelection()).toEqual([]);
    before.actions.paste();
    expect(store.getState()).toBe(before);
  });
});

describe("replacing the plan and saving", () => {
  it("replaces the plan as one undo entry and asks for a layout", () => {
    const store = make();
    store.getState().actions.select(["sum"]);
    const proposal: Plan = { ...basePlan, goal: "Another goal", steps: basePlan.steps.slice(0, 1) };
    store.getState().actions.replacePlan("Apply the proposal", proposal);
    const s = store.getState();
    expect(s.plan).toBe(proposal);
    expect(s.selectedSteps).toEqual([]);
    expect(s.layoutRequest).toBe(1);
    expect(s.layoutDone).toBe(0);
    s.actions.layoutApplied({ load: { x: 9, y: 9 } });
    expect(store.getState().layoutDone).toBe(1);
    expect(store.getState().positions.load).toEqual({ x: 9, y: 9 });
    s.actions.undo();
    expect(store.getState().plan).toBe(basePlan);
  });

  it("learns the saved version and closes the open edit", () => {
    const store = make();
    const { actions } = store.getState();
    actions.apply("Edit goal", (p) => ({ ...p, goal: "A" }), { key: "goal" });
    actions.markSaved("v2", hashOf(store.getState().plan));
    expect(store.getState()).toMatchObject({ baseVersionId: "v2", baseHash: hashOf(store.getState().plan) });
    actions.apply("Edit goal", (p) => ({ ...p, goal: "AB" }), { key: "goal" });
    expect(past(store)).toEqual(["Edit goal", "Edit goal"]);
  });
});

describe("view state", () => {
  it("does not notify when the selection or the connection hints are the same", () => {
    const store = make();
    let calls = 0;
    store.subscribe(() => calls++);
    const { actions } = store.getState();
    actions.select([]);
    actions.setConnecting(null);
    expect(calls).toBe(0);
    actions.select(["sum"]);
    actions.select(["sum"]);
    const hints = { from: "source" as const, handles: { fmt: ["in:value"] } };
    actions.setConnecting(hints);
    actions.setConnecting(hints);
    expect(calls).toBe(2);
    expect(store.getState().connecting).toBe(hints);
  });

  it("merges positions and sizes, toggles expansion, and counts layout requests", () => {
    const store = make();
    const { actions } = store.getState();
    actions.setPositions({ sum: { x: 1, y: 2 } });
    actions.setMeasured({ sum: { width: 288, height: 100 } });
    expect(store.getState().positions).toEqual({ ...placed, sum: { x: 1, y: 2 } });
    expect(store.getState().measured).toEqual({ sum: { width: 288, height: 100 } });
    actions.toggleExpanded("sum");
    expect(store.getState().expanded).toEqual({ sum: true });
    actions.toggleExpanded("sum");
    expect(store.getState().expanded).toEqual({});
    actions.requestLayout();
    actions.requestLayout();
    expect(store.getState().layoutRequest).toBe(2);
  });

  it("focuses a step: selects it, and a repeat request is new", () => {
    const store = make();
    const { actions } = store.getState();
    actions.focusOn("sum", "table");
    const first = store.getState().focus!;
    expect(first).toMatchObject({ stepId: "sum", input: "table" });
    actions.focusOn("sum", "table");
    expect(store.getState().focus!.seq).toBe(first.seq + 1);
    expect(store.getState().selectedSteps).toEqual(["sum"]);
  });

  it("keeps the three newest toasts and dismisses by id", () => {
    const store = make();
    const { actions } = store.getState();
    for (const m of ["a", "b", "c", "d"]) actions.toast("info", m);
    const toasts = store.getState().toasts;
    expect(toasts.map((t) => t.message)).toEqual(["b", "c", "d"]);
    expect(new Set(toasts.map((t) => t.id)).size).toBe(3);
    actions.dismissToast(toasts[1].id);
    expect(store.getState().toasts.map((t) => t.message)).toEqual(["b", "d"]);
    actions.dismissToast(-1);
    expect(store.getState().toasts).toHaveLength(2);
  });

  it("switches panels and dialogs", () => {
    const store = make();
    const { actions } = store.getState();
    actions.setSidebar("steps");
    actions.openDialog("save");
    actions.setIssuesOpen(true);
    actions.setDropMenu({ x: 1, y: 2, nodeId: "sum", from: { nodeId: "load", handleId: "out", type: "source" }, handles: ["in:table"] });
    expect(store.getState()).toMatchObject({ sidebar: "steps", dialog: "save", issuesOpen: true, dropMenu: { nodeId: "sum" } });
    actions.openDialog(null);
    actions.setDropMenu(null);
    expect(store.getState()).toMatchObject({ dialog: null, dropMenu: null });
  });

  it("keeps stores apart", () => {
    const a = make();
    const b = make();
    a.getState().actions.addAction("load_csv");
    expect(b.getState().plan).toBe(basePlan);
    expect(b.getState().history.past).toEqual([]);
  });
});
