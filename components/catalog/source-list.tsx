import type { CatalogSource } from "@/lib/core/catalog";

const KIND: Record<CatalogSource["kind"], string> = { builtin: "built-in", mcp: "MCP server", taskbench: "tool catalog", openapi: "HTTP API", plans: "plans" };
const STATUS: Record<CatalogSource["status"], { label: string; badge: string }> = {
  ok: { label: "available", badge: "ok" },
  connecting: { label: "connecting", badge: "info" },
  unavailable: { label: "unavailable", badge: "danger" },
};

/** Each source of actions with its health: an MCP server that is down says why. */
export function SourceList({ sources }: { sources: readonly CatalogSource[] }) {
  return (
    <section className="card" data-testid="catalog-sources" aria-label="Sources">
      <div className="status-list">
        {sources.map((s) => (
          <div key={s.id} className="status-item" data-testid="catalog-source" data-source={s.id} data-status={s.status}>
            <span className="label">{KIND[s.kind]}</span>
            <div className="value" style={{ flex: 1, minWidth: 0 }}>
              <div className="row" style={{ gap: 8 }}>
                <strong>{s.id}</strong>
                <span className={`badge ${STATUS[s.status].badge}`}>{STATUS[s.status].label}</span>
                <span className="subtle">{s.actions} action{s.actions === 1 ? "" : "s"}</span>
              </div>
              {s.detail ? <span className="subtle mono" style={{ overflowWrap: "anywhere" }}>{s.detail}</span> : null}
              {s.reason ? <span data-testid="source-reason" style={{ color: "var(--danger)" }}>{s.reason}</span> : null}
              {s.notes?.length ? (
                <details data-testid="source-notes">
                  <summary className="subtle">{s.notes.length} left out</summary>
                  <ul className="subtle">{s.notes.map((n) => <li key={n}>{n}</li>)}</ul>
                </details>
              ) : null}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
