"use client";
/**
 * A large value kept in the run's artifact store: the run's answers carry only its reference and
 * preview, so this shows the preview, fetches further pages of a list on request (a page at a
 * time, never the whole), and links to the file.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ArtifactRef } from "@/lib/core/artifact";
import { createClient } from "@/lib/contract/client";

const client = createClient();
const PAGE = 100;

export function ArtifactView({ runId, value, columns }: { runId?: string; value: ArtifactRef; columns?: string[] }) {
  const { sha256, bytes, preview } = value.$artifact;
  const download = runId ? client.url("downloadArtifact", { params: { id: runId, sha256 } }) : undefined;
  const facts = (
    <div className="row subtle artifact-facts">
      <span>{preview.kind === "list" ? `${preview.count.toLocaleString("en-US")} ${columns ? "rows" : "items"}` : preview.kind === "text" ? `${preview.chars.toLocaleString("en-US")} characters` : `${preview.keys.toLocaleString("en-US")} properties`}</span>
      <span>· {formatBytes(bytes)}, kept as a file</span>
      {download ? <a href={download} download data-testid="artifact-download">Download</a> : null}
    </div>
  );
  if (preview.kind === "text") {
    return (
      <div className="artifact" data-testid="artifact">
        {facts}
        <pre className="value-text">{preview.head}{preview.head.length < preview.chars ? "…" : ""}</pre>
      </div>
    );
  }
  if (preview.kind === "object") {
    return (
      <div className="artifact" data-testid="artifact">
        {facts}
        <pre className="json value-json">{preview.names.join("\n")}{preview.names.length < preview.keys ? "\n…" : ""}</pre>
      </div>
    );
  }
  return (
    <div className="artifact" data-testid="artifact">
      {facts}
      <ListPages runId={runId} sha256={sha256} count={preview.count} first={preview.items} columns={columns} />
    </div>
  );
}

/** A list a page at a time: its preview first, then the pages the person asks for. */
function ListPages({ runId, sha256, count, first, columns }: { runId?: string; sha256: string; count: number; first: unknown[]; columns?: string[] }) {
  // null: the preview the reference carries; a number: the page fetched from there
  const [offset, setOffset] = useState<number | null>(null);
  const page = useQuery({
    queryKey: ["artifact", runId, sha256, offset],
    queryFn: async () => {
      const p = await client.call("getArtifactPage", { params: { id: runId!, sha256 }, query: { offset: offset!, limit: PAGE } });
      return p.kind === "list" ? p.items : [];
    },
    enabled: offset !== null && Boolean(runId),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const start = offset ?? 0;
  const items = offset === null ? first : (page.data ?? []);
  const end = start + items.length;
  return (
    <>
      {columns ? <RowsTable columns={columns} rows={items as Record<string, unknown>[]} /> : <pre className="json value-json">{items.map((i) => JSON.stringify(i)).join("\n")}</pre>}
      <div className="row subtle artifact-pager" data-testid="artifact-pager">
        <span>{items.length ? `${(start + 1).toLocaleString("en-US")}–${end.toLocaleString("en-US")}` : "none"} of {count.toLocaleString("en-US")}{offset === null ? " (preview)" : ""}</span>
        {runId ? (
          <>
            <button className="button ghost" disabled={start === 0 || page.isFetching} onClick={() => setOffset(Math.max(0, start - PAGE))}>‹ Previous</button>
            <button className="button ghost" disabled={end >= count || page.isFetching} onClick={() => setOffset(end)} data-testid="artifact-next">Next ›</button>
          </>
        ) : null}
        {page.isError ? <span style={{ color: "var(--danger)" }}>{(page.error as Error).message}</span> : null}
      </div>
    </>
  );
}

export function RowsTable({ columns, rows }: { columns: string[]; rows: Record<string, unknown>[] }) {
  return (
    <div className="value-table-wrap">
      <table className="table value-table">
        <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>{columns.map((c) => <td key={c}>{formatCell(r?.[c])}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toLocaleString("en-US", { maximumFractionDigits: 2 });
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
