/**
 * What a planned step is called: what it does, from its action's title and the object its
 * inputs give ("Read a file: notes.txt", "Sort rows: revenue, descending", "Group and
 * aggregate: sum of revenue by product"), never the goal's words, so a step that does not do
 * what the goal asks cannot look as if it did.
 */
import type { ActionSpec } from "../../core/action";
import { isObject } from "../../core/json-schema";
import type { Binding } from "../../core/plan";

const MAX = 70;

export function stepLabel(spec: ActionSpec, inputs: Readonly<Record<string, Binding>>): string {
  const object = objectOf(inputs);
  const label = object ? `${spec.title}: ${object}` : spec.title;
  return label.length > MAX ? `${label.slice(0, MAX - 1).trimEnd()}…` : label;
}

/** The object of the step, from its literal inputs, most telling first. */
function objectOf(inputs: Readonly<Record<string, Binding>>): string | undefined {
  const lit = (name: string) => {
    const b = inputs[name];
    return b?.kind === "literal" ? b.value : undefined;
  };
  // Table shapes: aggregates by groups, sort keys, chart axes.
  const aggregates = lit("aggregates");
  const groupBy = lit("groupBy") ?? lit("by");
  if (Array.isArray(aggregates) && aggregates.every(isObject)) {
    const what = aggregates.map((a) => (a.column ? `${a.fn} of ${a.column}` : String(a.fn))).join(", ");
    return Array.isArray(groupBy) && groupBy.length ? `${what} by ${groupBy.join(", ")}` : what;
  }
  if (Array.isArray(groupBy) && groupBy.every(isObject)) {
    return groupBy.map((k) => `${k.column}${k.direction === "desc" ? ", descending" : k.direction === "asc" ? ", ascending" : ""}`).join("; ");
  }
  const x = lit("x");
  const y = lit("y");
  if (typeof x === "string" && y !== undefined) return `${Array.isArray(y) ? y.join(", ") : String(y)} by ${x}`;
  const conditions = lit("conditions");
  if (Array.isArray(conditions) && conditions.every(isObject)) return conditions.map((c) => `${c.column} ${c.op} ${JSON.stringify(c.value)}`).join(", ");
  // Anything else: the first short literal that names something (a path, a URL, a word).
  for (const [name, b] of Object.entries(inputs)) {
    if (b.kind !== "literal") continue;
    const v = b.value;
    if (typeof v === "string" && v.trim() && v.length <= 60 && !/\n/.test(v) && !/^(sql|query)$/i.test(name)) return v.trim();
    if (Array.isArray(v) && v.length && v.length <= 4 && v.every((x) => typeof x === "string" && x.length <= 30)) return v.join(", ");
  }
  return undefined;
}
