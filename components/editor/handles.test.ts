import { describe, expect, it } from "vitest";
import {
  INPUTS_NODE_ID, bindingEdgeId, inHandle, orderEdgeId, outHandle, parseEdgeId, planInputHandle, sourceFromHandle, sourceOfBinding,
  targetFromHandle,
} from "./handles";

describe("edge ids", () => {
  it("round-trip through parseEdgeId, input names with colons included", () => {
    expect(parseEdgeId(bindingEdgeId("sum", "table"))).toEqual({ kind: "binding", step: "sum", input: "table" });
    expect(parseEdgeId(bindingEdgeId("sum", "a:b:c"))).toEqual({ kind: "binding", step: "sum", input: "a:b:c" });
    expect(parseEdgeId(orderEdgeId("load", "mail"))).toEqual({ kind: "order", from: "load", to: "mail" });
  });

  it("are refused when malformed", () => {
    for (const bad of ["", "b", "b:", "b:sum", "o:load", "x:a:b", ":a:b"]) expect(parseEdgeId(bad)).toBeNull();
  });
});

describe("handles to bindings", () => {
  it("reads sources from output and plan input handles", () => {
    expect(sourceFromHandle("load", outHandle())).toEqual({ kind: "step", step: "load" });
    expect(sourceFromHandle("load", outHandle("table"))).toEqual({ kind: "step", step: "load", path: ["table"] });
    expect(sourceFromHandle(INPUTS_NODE_ID, planInputHandle("region"))).toEqual({ kind: "input", name: "region" });
  });

  it("refuses handles that are not data sources", () => {
    expect(sourceFromHandle("load", null)).toBeNull();
    expect(sourceFromHandle("load", undefined)).toBeNull();
    expect(sourceFromHandle("load", inHandle("x"))).toBeNull();
    expect(sourceFromHandle("load", "done")).toBeNull();
    expect(sourceFromHandle(INPUTS_NODE_ID, outHandle())).toBeNull();
  });

  it("reads targets from step input handles only", () => {
    expect(targetFromHandle("sum", inHandle("column"))).toEqual({ step: "sum", input: "column" });
    expect(targetFromHandle("sum", outHandle())).toBeNull();
    expect(targetFromHandle("sum", "wait")).toBeNull();
    expect(targetFromHandle("sum", null)).toBeNull();
    expect(targetFromHandle(INPUTS_NODE_ID, inHandle("x"))).toBeNull();
  });
});

describe("sourceOfBinding", () => {
  it("starts at the field handle when the path begins with a known field", () => {
    expect(sourceOfBinding({ kind: "step", step: "load", path: ["table", "rows", 0] }, ["table", "rowCount"])).toEqual({
      node: "load", handle: "out:table", rest: ["rows", 0],
    });
  });
  it("starts at the whole output otherwise, the path becoming the label", () => {
    expect(sourceOfBinding({ kind: "step", step: "load" }, ["table"])).toEqual({ node: "load", handle: "out", rest: [] });
    expect(sourceOfBinding({ kind: "step", step: "load", path: ["nope", 1] }, ["table"])).toEqual({ node: "load", handle: "out", rest: ["nope", 1] });
    expect(sourceOfBinding({ kind: "step", step: "list", path: [0] }, ["0"])).toEqual({ node: "list", handle: "out", rest: [0] });
  });
  it("starts plan inputs at the inputs node, and literals nowhere", () => {
    expect(sourceOfBinding({ kind: "input", name: "region" }, [])).toEqual({ node: INPUTS_NODE_ID, handle: "pi:region", rest: [] });
    expect(sourceOfBinding({ kind: "literal", value: 1 }, [])).toBeNull();
  });
});
