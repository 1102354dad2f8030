/** Shows a step's input or output the way a person reads it: tables, charts, Markdown, else JSON. */
import { Markdown } from "@/components/ui/markdown";

type Table = { columns: string[]; rows: Record<string, unknown>[] };

function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && Array.isArray((v as Table).columns) && Array.isArray((v as Table).rows);
}

function looksLikeMarkdown(s: string): boolean {
  return /^#{1,6}\s/m.test(s) || /^\s*\|.*\|\s*$/m.test(s) || /^\s*[-*]\s+/m.test(s);
}

function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${typeof btoa === "function" ? btoa(unescape(encodeURIComponent(svg))) : Buffer.from(svg).toString("base64")}`;
}

export function ValueView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === undefined) return <span className="subtle">nothing</span>;
  if (isTable(value)) return <TableView table={value} />;
  if (typeof value === "string") {
    if (/^\s*<svg[\s>]/.test(value)) {
      return <img className="svg-output" src={svgDataUri(value)} alt="chart" />;
    }
    if (value.length > 80 && looksLikeMarkdown(value)) return <Markdown text={value} />;
    return <pre className="value-text">{value}</pre>;
  }
  if (depth === 0 && typeof value === "object" && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    const rich = entries.some(([, v]) => isTable(v) || (typeof v === "string" && (/^\s*<svg/.test(v) || (v.length > 80 && looksLikeMarkdown(v)))));
    if (rich) {
      return (
        <div className="value-fields">
          {entries.map(([k, v]) => (
            <div key={k} className="value-field">
              <div className="value-key">{k}</div>
              <ValueView value={v} depth={1} />
            </div>
          ))}
        </div>
      );
    }
  }
  return <pre className="json value-json">{JSON.stringify(value, null, 2)}</pre>;
}

function TableView({ table }: { table: Table }) {
  const shown = table.rows.slice(0, 100);
  return (
    <div className="value-table-wrap">
      <table className="table value-table">
        <thead><tr>{table.columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={i}>{table.columns.map((c) => <td key={c}>{formatCell(r[c])}</td>)}</tr>
          ))}
        </tbody>
      </table>
      {table.rows.length > shown.length ? <div className="subtle" style={{ padding: "6px 12px" }}>{shown.length} of {table.rows.length} rows shown</div> : null}
    </div>
  );
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toLocaleString("en-US", { maximumFractionDigits: 2 });
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
