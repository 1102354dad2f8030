/** Synthetic, realistic catalogs and plans for benchmarks: typed tables, numbers and text. */
import { z } from "zod";
import { Catalog, defineAction, type Action, type Plan, type Step } from "../core";

const Table = z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) });

export function syntheticActions(count: number): Action[] {
  const shapes = [
    { input: z.object({ table: Table, column: z.string() }), output: z.object({ table: Table, rowCount: z.number().int() }) },
    { input: z.object({ table: Table, by: z.array(z.string()).min(1), limit: z.number().int().min(1).optional() }), output: z.object({ table: Table }) },
    { input: z.object({ value: z.number(), unit: z.enum(["ms", "s", "min"]).optional() }), output: z.object({ text: z.string(), value: z.number() }) },
    { input: z.object({ text: z.string(), maxWords: z.number().int().positive().default(100) }), output: z.object({ text: z.string(), words: z.number().int() }) },
  ];
  return Array.from({ length: count }, (_, i) => {
    const shape = shapes[i % shapes.length];
    return defineAction({
      id: `bench.action_${i}`,
      title: `Bench action ${i}`,
      description: `Synthetic action ${i} that transforms ${["tables", "sorted tables", "numbers", "text"][i % 4]}.`,
      flows: [`flow_${i % 5}`],
      effect: "pure",
      input: shape.input,
      output: shape.output,
      run: () => { throw new Error("not for running"); },
    });
  });
}

/** A layered DAG of `steps` steps over the given catalog, each step fed by an earlier one of a fitting type. */
export function syntheticPlan(catalog: Catalog, steps: number): Plan {
  const specs = catalog.list();
  const numberOf = (id: string) => Number(id.split("_").pop());
  const tableActions = specs.filter((s) => numberOf(s.id) % 4 <= 1);
  const out: Step[] = [];
  for (let i = 0; i < steps; i++) {
    const spec = tableActions[i % tableActions.length];
    const id = `s${i}`;
    const kind = numberOf(spec.id) % 4;
    const inputs: Step["inputs"] = {};
    if (i === 0) inputs.table = { kind: "literal", value: { columns: ["a"], rows: [{ a: 1 }] } };
    else inputs.table = { kind: "step", step: `s${Math.floor((i - 1) / 2)}`, path: ["table"] };
    if (kind === 0) inputs.column = { kind: "literal", value: "a" };
    else inputs.by = { kind: "input", name: "sortBy" };
    out.push({ id, action: spec.id, inputs, ...(i > 2 && i % 7 === 0 ? { after: [`s${i - 2}`] } : {}) });
  }
  return {
    goal: "benchmark",
    flows: [],
    inputs: [{ name: "sortBy", schema: { type: "array", items: { type: "string" }, minItems: 1 } }],
    steps: out,
    outputs: { last: { kind: "step", step: `s${steps - 1}` } },
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
