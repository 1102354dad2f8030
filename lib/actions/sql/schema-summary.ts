/**
 * The sample shop's schema as one line of text for action descriptions, read from its DDL:
 * `orders(id integer primary key, customer_id integer → customers.id, …) — comment`. Planners
 * (the offline one included, see lib/planner/offline/sql-writer.ts) read tables, columns,
 * foreign keys and documented measures ("line total (order value) = quantity * unit_price")
 * from it, so they can write a query without a database round trip.
 */
import { SAMPLE_SHOP_DDL } from "./sample-shop";

export function schemaSummary(ddl: string): string {
  const comments = new Map<string, string>();
  for (const m of ddl.matchAll(/COMMENT ON TABLE (\w+) IS '((?:[^']|'')*)'/g)) comments.set(m[1], m[2].replace(/''/g, "'"));
  const tables: string[] = [];
  for (const m of ddl.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
    const columns = m[2]
      .split(/,\n/)
      .map((line) => line.trim())
      .filter((line) => /^\w+\s/.test(line) && !/^(PRIMARY|FOREIGN|UNIQUE|CHECK|CONSTRAINT)\b/i.test(line))
      .map((line) => {
        const [, name, type] = /^(\w+)\s+([a-z]+(?:\s+(?:precision|without time zone))?)/i.exec(line) ?? [];
        const ref = /REFERENCES (\w+)\((\w+)\)/i.exec(line);
        const values = /CHECK \(\w+ IN \(([^)]*)\)\)/i.exec(line);
        let text = `${name} ${type.toLowerCase()}`;
        if (/PRIMARY KEY/i.test(line)) text += " primary key";
        if (ref) text += ` → ${ref[1]}.${ref[2]}`;
        if (values) text += ` in ${values[1].replace(/'/g, "").replace(/,\s*/g, "/")}`;
        return text;
      });
    const comment = comments.get(m[1]);
    tables.push(`${m[1]}(${columns.join(", ")})${comment ? ` — ${comment}` : ""}`);
  }
  return `Schema: ${tables.join(" | ")}.`;
}

export const SAMPLE_SHOP_SCHEMA = schemaSummary(SAMPLE_SHOP_DDL);
