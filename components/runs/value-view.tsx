/**
 * Shows a step's input or output the way a person reads it: tables, charts, Markdown, else JSON.
 * A large value is an artifact reference (lib/core/artifact): its preview, paged on request.
 */
import { Markdown } from "@/components/ui/markdown";
import { isArtifactRef, type ArtifactRef } from "@/lib/core/artifact";
import { ArtifactView, RowsTable } from "./artifact-view";

type Table = { columns: string[]; rows: Record<string, unknown>[] };
/** a table whose rows are kept as an artifact */
type StoredTable = { columns: string[]; rows: ArtifactRef };

function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && Array.isArray((v as Table).columns) && Array.isArray((v as Table).rows);
}

function isStoredTable(v: unknown): v is StoredTable {
  return typeof v === "object" && v !== null && Array.isArray((v as StoredTable).columns) && isArtifactRef((v as StoredTable).rows);
}

function looksLikeMarkdown(s: string): boolean {
  return /^#{1,6}\s/m.test(s) || /^\s*\|.*\|\s*$/m.test(s) || /^\s*[-*]\s+/m.test(s);
}

function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${typeof btoa === "function" ? btoa(unescape(encodeURIComponent(svg))) : Buffer.from(svg).toString("base64")}`;
}

/** `runId`: the run whose artifacts a large value refers to (without it, only previews show) */
export function ValueView({ value, depth = 0, runId }: { value: unknown; depth?: number; runId?: string }) {
  if (value === undefined) return <span className="subtle">nothing</span>;
  if (isTable(value)) return <TableView table={value} />;
  if (isStoredTable(value)) return <ArtifactView runId={runId} value={value.rows} columns={value.columns} />;
  if (isArtifactRef(value)) return <ArtifactView runId={runId} value={value} />;
  if (typeof value === "string") {
    if (/^\s*<svg[\s>]/.test(value)) {
      return <img className="svg-output" src={svgDataUri(value)} alt="chart" />;
    }
    if (value.length > 80 && looksLikeMarkdown(value)) return <Markdown text={value} />;
    return <pre className="value-text">{value}</pre>;
  }
  if (depth === 0 && typeof value === "object" && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    const rich = entries.filter(([, v]) => isRich(v));
    if (rich.length) {
      // The table, chart or text first, each as itself; the fields about it (row counts, sizes) in one block under them.
      const rest = entries.filter(([, v]) => !isRich(v));
      return (
        <div className="value-fields">
          {rich.map(([k, v]) => (
            <div key={k} className="value-field">
              <div className="value-key">{k}</div>
              <ValueView value={v} depth={1} runId={runId} />
            </div>
          ))}
          {rest.length ? (
            <div className="value-field" data-testid="value-other-fields">
              <div className="value-key">{rest.map(([k]) => k).join(", ")}</div>
              <pre className="json value-json">{JSON.stringify(Object.fromEntries(rest), null, 2)}</pre>
            </div>
          ) : null}
        </div>
      );
    }
  }
  return <pre className="json value-json">{JSON.stringify(value, null, 2)}</pre>;
}

/** A value that reads better shown as itself than as JSON: a table, a stored value, a chart, a text of several lines, Markdown. */
function isRich(v: unknown): boolean {
  return isTable(v) || isStoredTable(v) || isArtifactRef(v) || (typeof v === "string" && (/^\s*<svg/.test(v) || v.includes("\n") || (v.length > 80 && looksLikeMarkdown(v))));
}

function TableView({ table }: { table: Table }) {
  const shown = table.rows.slice(0, 100);
  return (
    <div>
      <RowsTable columns={table.columns} rows={shown} />
      {table.rows.length > shown.length ? <div className="subtle" style={{ padding: "6px 12px" }}>{shown.length} of {table.rows.length} rows shown</div> : null}
    </div>
  );
}
