import { isBlank } from "./compare";
import type { Table } from "./table";

/** Pipes and newlines would break a GFM table cell, so they are escaped or turned into <br>. */
export function markdownCell(v: unknown): string {
  if (isBlank(v)) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

export function tableToMarkdown(table: Table, maxRows?: number): { markdown: string; shown: number; truncated: boolean } {
  const columns = table.columns;
  if (columns.length === 0) return { markdown: "_(empty table)_", shown: 0, truncated: false };
  const rows = maxRows === undefined ? table.rows : table.rows.slice(0, maxRows);
  // Right-align columns whose values are all numbers, as spreadsheets do.
  const numeric = columns.map((c) => {
    const vals = table.rows.map((r) => r[c]).filter((v) => !isBlank(v));
    return vals.length > 0 && vals.every((v) => typeof v === "number");
  });
  const lines = [
    `| ${columns.map(markdownCell).join(" | ")} |`,
    `| ${numeric.map((n) => (n ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((row) => `| ${columns.map((c) => markdownCell(row[c])).join(" | ")} |`),
  ];
  const truncated = rows.length < table.rows.length;
  if (truncated) lines.push("", `_Showing ${rows.length} of ${table.rows.length} rows._`);
  return { markdown: lines.join("\n"), shown: rows.length, truncated };
}
