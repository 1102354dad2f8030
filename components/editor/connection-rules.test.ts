import { describe, expect, it } from "vitest";
import type { Plan, Step } from "@/lib/core/plan";
import type { EditResult } from "@/lib/core/plan-edits";
import { catalog } from "@/tests/support/core-fixtures";
import { checkCanvasConnection, connectHints, planConnection, type HandlePair } from "./connection-rules";
import { DONE_HANDLE, INPUTS_NODE_ID, WAIT_HANDLE, inHandle, outHandle, planInputHandle } from "./handles";
import { outputFields } from "./step-view";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const must = (r: EditResult): Plan => {
  if (!r.ok) throw new Error(r.reason);
  return r.plan;
};

const steps: Step[] = [
  { id: "load", action: "load_csv", inputs: { path: { kind: "input", name: "file" } } },
  { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total") } },
  { id: "mail", action: "send_email", inputs: { to: lit("a@b.co"), subject: lit("Total") } },
];
const plan: Plan = {
  goal: "Sum revenue and mail it", flows: [], outputs: {}, steps,
  inputs: [{ name: "file", schema: { type: "string" } }, { name: "limit", schema: { type: "integer" } }],
};

const data = (source: string, sourceHandle: string, target: string, targetHandle: string): HandlePair => ({ source, sourceHandle, target, targetHandle });
const refused = (c: HandlePair) => {
  const r = planConnection(plan, catalog, c);
  if (r.ok) throw new Error(`expected a refusal for ${JSON.stringify(c)}`);
  return r.reason;
};

describe("planConnection: data connections", () => {
  it("connects a fitting output field and labels the edit", () => {
    const r = planConnection(plan, catalog, data("load", outHandle("rowCount"), "mail", inHandle("body")));
    // rowCount is an integer and body a string
    expect(r.ok).toBe(false);

    const ok = planConnection(plan, catalog, data("fmt", outHandle(), "mail", inHandle("body")));
    if (!ok.ok) throw new Error(ok.reason);
    expect(ok.label).toBe("Connect fmt → mail.body");
    const next = must(ok.edit(plan));
    expect(next.steps.find((s) => s.id === "mail")!.inputs.body).toEqual({ kind: "step", step: "fmt" });
    expect(plan.steps.find((s) => s.id === "mail")!.inputs.body).toBeUndefined();
  });

  it("connects a field of an output with its path in the label and the binding", () => {
    const r = planConnection(plan, catalog, data("load", outHandle("rowCount"), "fmt", inHandle("value")));
    if (!r.ok) throw new Error(r.reason);
    expect(r.label).toBe("Connect load.rowCount → fmt.value");
    expect(must(r.edit(plan)).steps[2].inputs.value).toEqual({ kind: "step", step: "load", path: ["rowCount"] });
  });

  it("connects a plan input", () => {
    const r = planConnection(plan, catalog, data(INPUTS_NODE_ID, planInputHandle("file"), "mail", inHandle("body")));
    if (!r.ok) throw new Error(r.reason);
    expect(r.label).toBe("Connect input file → mail.body");
    expect(must(r.edit(plan)).steps[3].inputs.body).toEqual({ kind: "input", name: "file" });
  });

  it("refuses a type-incompatible connection with a reason naming both types", () => {
    const reason = refused(data("load", outHandle("table"), "fmt", inHandle("value")));
    expect(reason).toContain('"value" needs number');
    expect(reason).toMatch(/^The output of "load"\.table is \{ columns, rows \}/);
    expect(refused(data(INPUTS_NODE_ID, planInputHandle("file"), "fmt", inHandle("value")))).toContain("needs number");
  });

  it("refuses a cycle", () => {
    const reason = refused(data("fmt", outHandle(), "load", inHandle("path")));
    expect(reason).toBe('"fmt" already depends on "load": connecting them would make a cycle.');
  });

  it("refuses a step reading its own output", () => {
    expect(refused(data("sum", outHandle("total"), "sum", inHandle("column")))).toBe("A step cannot read its own output.");
  });

  it("refuses inputs the action does not have, unknown steps and unknown fields", () => {
    expect(refused(data("fmt", outHandle(), "mail", inHandle("cc")))).toBe('"send_email" has no input "cc".');
    expect(refused(data("fmt", outHandle(), "ghost", inHandle("x")))).toBe('There is no step "ghost".');
    expect(refused(data("load", outHandle("nope"), "mail", inHandle("body")))).toBe('The output of "load" has no nope.');
    expect(refused(data(INPUTS_NODE_ID, planInputHandle("nope"), "mail", inHandle("body")))).toBe('There is no plan input "nope".');
  });

  it("refuses drags that do not go from an output to an input", () => {
    const reason = "Connect an output (on the right of a step) to an input (on the left of another).";
    expect(refused(data("sum", inHandle("column"), "mail", inHandle("body")))).toBe(reason);
    expect(refused(data("sum", outHandle(), "mail", outHandle()))).toBe(reason);
    expect(refused({ source: "sum", target: "mail" })).toBe(reason);
    expect(refused(data(INPUTS_NODE_ID, outHandle(), "mail", inHandle("body")))).toBe(reason);
  });
});

describe("planConnection: order-only connections", () => {
  it("makes a step wait for another", () => {
    const r = planConnection(plan, catalog, data("fmt", DONE_HANDLE, "mail", WAIT_HANDLE));
    if (!r.ok) throw new Error(r.reason);
    expect(r.label).toBe("mail waits for fmt");
    expect(must(r.edit(plan)).steps[3].after).toEqual(["fmt"]);
  });

  it("refuses waiting in a cycle, on itself, or twice", () => {
    expect(refused(data("fmt", DONE_HANDLE, "load", WAIT_HANDLE))).toBe('"fmt" already depends on "load": waiting for it would make a cycle.');
    expect(refused(data("mail", DONE_HANDLE, "mail", WAIT_HANDLE))).toBe("A step cannot wait for itself.");
    expect(refused(data("sum", DONE_HANDLE, "fmt", WAIT_HANDLE))).toBe('"fmt" already waits for "sum": it reads its output.');
    const waiting: Plan = { ...plan, steps: plan.steps.map((s) => (s.id === "mail" ? { ...s, after: ["fmt"] } : s)) };
    const r = planConnection(waiting, catalog, data("fmt", DONE_HANDLE, "mail", WAIT_HANDLE));
    expect(r).toEqual({ ok: false, reason: '"mail" already waits for "fmt".' });
  });

  it("refuses mixing an order handle with a data handle", () => {
    const reason = refused(data("fmt", DONE_HANDLE, "mail", inHandle("body")));
    expect(reason).toMatch(/small square handles/);
    expect(refused(data("fmt", outHandle(), "mail", WAIT_HANDLE))).toBe(reason);
  });
});

describe("checkCanvasConnection", () => {
  it("answers with ok or the same reason as planConnection, without the edit", () => {
    expect(checkCanvasConnection(plan, catalog, data("fmt", outHandle(), "mail", inHandle("body")))).toEqual({ ok: true });
    const c = data("fmt", outHandle(), "load", inHandle("path"));
    expect(checkCanvasConnection(plan, catalog, c)).toEqual({ ok: false, reason: refused(c) });
  });
});

/** Every source and target handle on the canvas for `plan`. */
function allHandles(p: Plan) {
  const sources: { nodeId: string; handleId: string }[] = p.inputs.map((i) => ({ nodeId: INPUTS_NODE_ID, handleId: planInputHandle(i.name) }));
  const targets: { nodeId: string; handleId: string }[] = [];
  for (const s of p.steps) {
    const spec = catalog.get(s.action);
    sources.push({ nodeId: s.id, handleId: outHandle() }, ...outputFields(spec).map((f) => ({ nodeId: s.id, handleId: outHandle(f) })));
    for (const input of Object.keys((spec?.input.properties as object | undefined) ?? s.inputs)) targets.push({ nodeId: s.id, handleId: inHandle(input) });
  }
  return { sources, targets };
}

describe("connectHints", () => {
  it("from an output: the inputs that accept it, never the step itself or anything upstream", () => {
    const h = connectHints(plan, catalog, { nodeId: "load", handleId: outHandle("table"), type: "source" });
    expect(h.from).toBe("source");
    expect(h.handles).toEqual({ sum: [inHandle("table")] });

    const total = connectHints(plan, catalog, { nodeId: "sum", handleId: outHandle("total"), type: "source" });
    expect(total.handles.fmt).toContain(inHandle("value"));
    expect(total.handles.load).toBeUndefined();
    expect(total.handles.sum).toBeUndefined();
  });

  it("from an input: the outputs and plan inputs that fit it, never anything downstream", () => {
    const h = connectHints(plan, catalog, { nodeId: "fmt", handleId: inHandle("value"), type: "target" });
    expect(h.from).toBe("target");
    expect(h.handles.load).toEqual([outHandle("rowCount")]);
    expect(h.handles.sum).toEqual([outHandle("total")]);
    expect(h.handles[INPUTS_NODE_ID]).toEqual([planInputHandle("limit")]);
    expect(h.handles.fmt).toBeUndefined();

    const path = connectHints(plan, catalog, { nodeId: "load", handleId: inHandle("path"), type: "target" });
    // sum and fmt read load; mail is independent, and only its messageId is a string
    expect(Object.keys(path.handles).sort()).toEqual([INPUTS_NODE_ID, "mail"]);
    expect(path.handles.mail).toEqual([outHandle("messageId")]);
    expect(path.handles[INPUTS_NODE_ID]).toEqual([planInputHandle("file")]);
  });

  it("is empty for order handles and handles that are not ports", () => {
    for (const from of [
      { nodeId: "fmt", handleId: DONE_HANDLE, type: "source" as const },
      { nodeId: "fmt", handleId: WAIT_HANDLE, type: "target" as const },
      { nodeId: "fmt", handleId: null, type: "source" as const },
      { nodeId: "fmt", handleId: outHandle(), type: "target" as const },
      { nodeId: "ghost", handleId: inHandle("x"), type: "target" as const },
      { nodeId: "load", handleId: outHandle("nope"), type: "source" as const },
    ]) expect(connectHints(plan, catalog, from).handles).toEqual({});
  });

  it("offers exactly the handles that dropping would accept, from either side", () => {
    const { sources, targets } = allHandles(plan);
    for (const s of sources) {
      const hints = connectHints(plan, catalog, { ...s, type: "source" });
      for (const t of targets) {
        const accepted = planConnection(plan, catalog, data(s.nodeId, s.handleId, t.nodeId, t.handleId)).ok;
        expect([s, t, hints.handles[t.nodeId]?.includes(t.handleId) ?? false]).toEqual([s, t, accepted]);
      }
    }
    for (const t of targets) {
      const hints = connectHints(plan, catalog, { ...t, type: "target" });
      for (const s of sources) {
        const accepted = planConnection(plan, catalog, data(s.nodeId, s.handleId, t.nodeId, t.handleId)).ok;
        expect([s, t, hints.handles[s.nodeId]?.includes(s.handleId) ?? false]).toEqual([s, t, accepted]);
      }
    }
  });

  it("offers nothing on an empty plan", () => {
    const empty: Plan = { goal: "", flows: [], inputs: [], steps: [], outputs: {} };
    expect(connectHints(empty, catalog, { nodeId: "x", handleId: outHandle(), type: "source" }).handles).toEqual({});
  });
});
