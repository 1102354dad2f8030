import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { checkAborted } from "../abort";
import { isBlank, valueKey } from "./compare";
import { cell, requireColumns, Table, type Row } from "./table";
import { TableOutput } from "./table-output";

const MAX_JOIN_ROWS = 1_000_000;

export const joinAction = defineAction({
  id: "data.join",
  title: "Join two tables",
  description:
    "Join two tables on key columns, like SQL: \"inner\" keeps only rows whose keys match in both tables, \"left\" keeps every left row and fills right columns with null when nothing matches. " +
    "`on` names the key columns of the left table; `rightOn` the corresponding right-table columns when they are named differently (default: same names). " +
    "Keys match by value (1 and \"1\" match; empty keys never match). A left row matching several right rows appears once per match. " +
    "The result has the left columns, then the right columns except its keys; a right column whose name is already taken gets the suffix (default \"_right\"). " +
    'Example: { "left": sales, "right": customers, "on": ["customer_id"], "how": "left" }. Returns { table, rowCount }.',
  flows: ["data"],
  effect: "pure",
  input: z.object({
    left: Table.describe("The left table"),
    right: Table.describe("The right table"),
    on: z.array(z.string()).min(1).describe("Key columns in the left table"),
    rightOn: z.array(z.string()).optional().describe("Key columns in the right table, same order and count as `on` (default: same names as `on`)"),
    how: z.enum(["inner", "left"]).default("inner").describe('"inner" (default) or "left"'),
    suffix: z.string().min(1).default("_right").describe('Appended to right column names that clash with left ones (default "_right")'),
  }),
  output: TableOutput,
  run(input, ctx) {
    const { left, right, on, how, suffix } = input;
    const rightOn = input.rightOn ?? on;
    if (rightOn.length !== on.length) {
      throw new ActionError("invalid_join_keys", `"on" has ${on.length} columns but "rightOn" has ${rightOn.length}; they must pair up.`);
    }
    requireColumns(left, on, "left key column");
    requireColumns(right, rightOn, "right key column");

    const rightKeys = new Set(rightOn);
    const taken = new Set(left.columns);
    const rightCols = right.columns
      .filter((c) => !rightKeys.has(c))
      .map((c) => {
        let name = c;
        if (taken.has(name)) name = `${c}${suffix}`;
        for (let k = 2; taken.has(name); k++) name = `${c}${suffix}${k}`;
        taken.add(name);
        return { from: c, to: name };
      });

    const keyOf = (row: Row, cols: readonly string[]): string | null => {
      const vals = cols.map((c) => cell(row, c));
      return vals.some(isBlank) ? null : vals.map(valueKey).join("\u0001");
    };
    const index = new Map<string, Row[]>();
    for (const r of right.rows) {
      const k = keyOf(r, rightOn);
      if (k === null) continue;
      const list = index.get(k);
      if (list) list.push(r);
      else index.set(k, [r]);
    }

    const rows: Row[] = [];
    left.rows.forEach((l, i) => {
      checkAborted(ctx.signal, i);
      const k = keyOf(l, on);
      const matches = k === null ? undefined : index.get(k);
      if (!matches) {
        if (how === "left") {
          const out: Row = {};
          for (const c of left.columns) out[c] = cell(l, c);
          for (const rc of rightCols) out[rc.to] = null;
          rows.push(out);
        }
        return;
      }
      for (const r of matches) {
        const out: Row = {};
        for (const c of left.columns) out[c] = cell(l, c);
        for (const rc of rightCols) out[rc.to] = cell(r, rc.from);
        rows.push(out);
      }
      if (rows.length > MAX_JOIN_ROWS) {
        throw new ActionError("join_too_large", `The join produces more than ${MAX_JOIN_ROWS} rows; the keys are probably not unique enough.`);
      }
    });
    const columns = [...left.columns, ...rightCols.map((c) => c.to)];
    ctx.log("info", `${how} join: ${left.rows.length} × ${right.rows.length} rows → ${rows.length}`);
    return { table: { columns, rows }, rowCount: rows.length };
  },
});
