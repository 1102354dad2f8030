"use client";
/**
 * The Connections page: stored MCP servers and HTTP APIs with their health, and forms to add,
 * edit, test and remove one. Secrets are write-only: the page knows their names, never their values; editing
 * replaces or removes one secret and keeps the others.
 */
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { createConnectionAction, deleteConnectionAction, reconnectConnectionAction, updateConnectionAction } from "@/app/connection-actions";
import type { Connection, ConnectionKind, ConnectionList, McpConnectionConfig } from "@/lib/contract/connections";
import { ApiConnectionFields, readApiForm } from "./api-connection-form";

const STATUS: Record<Connection["status"], { label: string; badge: string }> = {
  ok: { label: "connected", badge: "ok" },
  connecting: { label: "connecting", badge: "info" },
  unavailable: { label: "unavailable", badge: "danger" },
  shadowed: { label: "shadowed", badge: "warning" },
};

export function ConnectionManager({ list, canChange }: { list: ConnectionList; canChange: boolean }) {
  const router = useRouter();
  const [editing, setEditing] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [pending, start] = useTransition();

  // While a server is connecting, look again every 2 s.
  const connecting = list.connections.some((c) => c.status === "connecting");
  useEffect(() => {
    if (!connecting) return;
    const timer = setInterval(() => router.refresh(), 2000);
    return () => clearInterval(timer);
  }, [connecting, router]);

  const run = (fn: () => Promise<{ ok: true } | { ok: false; error: string }>, after?: () => void) =>
    start(async () => {
      const r = await fn();
      if (!r.ok) return setError(r.error);
      setError(undefined);
      after?.();
      router.refresh();
    });

  return (
    <div className="stack">
      {error ? <div className="error-box" role="alert" data-testid="connection-error">{error}</div> : null}
      <section className="card" data-testid="connection-list">
        <div className="card-header"><h2>Connections</h2></div>
        <div className="card-body stack">
          {list.connections.length === 0 ? <p className="subtle">No connections yet.{canChange ? " Add an MCP server or an HTTP API below." : ""}</p> : null}
          {list.connections.map((c) =>
            editing === c.name ? (
              <ConnectionForm
                key={c.name}
                existing={c}
                pending={pending}
                onCancel={() => setEditing(undefined)}
                onSubmit={(body) => run(() => updateConnectionAction(c.name, body), () => setEditing(undefined))}
              />
            ) : (
              <div key={c.name} className="status-item" data-testid="connection" data-name={c.name} data-kind={c.kind} data-status={c.status} style={{ alignItems: "flex-start" }}>
                <div className="value" style={{ flex: 1, minWidth: 0 }}>
                  <div className="row" style={{ gap: 8 }}>
                    <strong>{c.name}</strong>
                    <span className={`badge ${STATUS[c.status].badge}`} data-testid="connection-status">{STATUS[c.status].label}</span>
                    <span className="subtle" data-testid="connection-kind">{kindLabel(c)} · {c.actions.length} action{c.actions.length === 1 ? "" : "s"}</span>
                  </div>
                  <span className="subtle mono" style={{ overflowWrap: "anywhere" }}>{c.detail}</span>
                  {c.reason ? <span data-testid="connection-reason" style={{ color: c.status === "shadowed" ? "var(--warning, #b45309)" : "var(--danger)" }}>{c.reason}</span> : null}
                  <div className="row wrap" style={{ gap: 6, marginTop: 4 }} data-testid="connection-secrets">
                    {c.secretNames.length ? c.secretNames.map((n) => <span key={n} className="badge" title="set; its value is never shown">{n} ••••</span>) : <span className="subtle">no secrets</span>}
                  </div>
                  {c.actions.length ? <details style={{ marginTop: 4 }}><summary className="subtle">Actions</summary><span className="mono subtle" data-testid="connection-actions">{c.actions.join(", ")}</span></details> : null}
                </div>
                {canChange ? (
                  <div className="row" style={{ gap: 6 }}>
                    <button type="button" className="button" disabled={pending} onClick={() => run(() => reconnectConnectionAction(c.name))} data-testid="test-connection">Test</button>
                    <button type="button" className="button" disabled={pending} onClick={() => setEditing(c.name)} data-testid="edit-connection">Edit</button>
                    <button
                      type="button"
                      className="button danger"
                      disabled={pending}
                      onClick={() => { if (window.confirm(`Remove the connection ${c.name}? Its actions leave the catalog.`)) run(() => deleteConnectionAction(c.name)); }}
                      data-testid="remove-connection"
                    >
                      Remove
                    </button>
                  </div>
                ) : null}
              </div>
            ),
          )}
        </div>
      </section>
      {canChange && !editing ? (
        <section className="card" data-testid="add-connection">
          <div className="card-header"><h2>Add a connection</h2></div>
          <div className="card-body">
            <ConnectionForm key={list.connections.length} pending={pending} reserved={list.reserved} onSubmit={(body) => run(() => createConnectionAction(body))} />
          </div>
        </section>
      ) : null}
    </div>
  );
}

interface SecretRow {
  key: number;
  name: string;
  value: string;
}

/** Add (no `existing`) or edit a connection. Existing secrets: keep, replace or remove each. */
function ConnectionForm({ existing, pending, reserved, onSubmit, onCancel }: { existing?: Connection; pending: boolean; reserved?: string[]; onSubmit(body: unknown): void; onCancel?(): void }) {
  const [kind, setKind] = useState<ConnectionKind>(existing?.kind ?? "mcp");
  const [transport, setTransport] = useState<McpConnectionConfig["transport"]>(existing?.kind === "mcp" ? existing.config.transport : "stdio");
  const [rows, setRows] = useState<SecretRow[]>(existing ? [] : [{ key: 0, name: "", value: "" }]);
  const [replace, setReplace] = useState<Record<string, string>>({});
  const [removed, setRemoved] = useState<Record<string, boolean>>({});
  const [invalid, setInvalid] = useState<string | undefined>();
  const stdio = existing?.kind === "mcp" && existing.config.transport === "stdio" ? existing.config : undefined;
  const http = existing?.kind === "mcp" && existing.config.transport === "http" ? existing.config : undefined;
  const secretWord = transport === "stdio" ? "Environment variables" : "Headers";
  const id = existing ? `edit-${existing.name}` : "new";

  const submit = (form: FormData) => {
    setInvalid(undefined);
    if (kind === "openapi") {
      const read = readApiForm(form);
      if (!read.ok) return setInvalid(read.error);
      const { config, secrets } = read;
      onSubmit(existing ? { config, secrets } : { kind, name: String(form.get("name") ?? "").trim(), config, secrets });
      return;
    }
    const config: Record<string, unknown> =
      transport === "stdio"
        ? { transport, command: String(form.get("command") ?? "").trim(), args: String(form.get("args") ?? "").split("\n").map((a) => a.trim()).filter(Boolean) }
        : { transport, url: String(form.get("url") ?? "").trim() };
    const secrets: Record<string, string | null> = {};
    for (const r of rows) if (r.name.trim()) secrets[r.name.trim()] = r.value;
    if (existing) {
      for (const n of existing.secretNames) {
        if (removed[n]) secrets[n] = null;
        else if (replace[n]) secrets[n] = replace[n];
      }
      onSubmit({ config, secrets });
    } else {
      onSubmit({ kind: "mcp", name: String(form.get("name") ?? "").trim(), config, secrets });
    }
  };

  return (
    <form action={submit} className="stack" style={{ gap: 12, width: "100%" }} data-testid="connection-form" autoComplete="off">
      <div className="row wrap">
        {existing ? <strong>{existing.name}</strong> : (
          <div className="field" style={{ flex: 1, minWidth: 200 }}>
            <label htmlFor={`${id}-name`}>Name</label>
            <input id={`${id}-name`} name="name" type="text" required pattern="[A-Za-z][A-Za-z0-9_\-]{0,63}" placeholder="github" data-testid="connection-name" title={reserved?.length ? `Taken: ${reserved.join(", ")}` : undefined} />
          </div>
        )}
        {existing ? null : (
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as ConnectionKind)} data-testid="connection-kind-select">
              <option value="mcp">MCP server</option>
              <option value="openapi">HTTP API (OpenAPI)</option>
            </select>
          </div>
        )}
        {kind === "mcp" ? <div className="field">
          <label htmlFor={`${id}-transport`}>Transport</label>
          <select id={`${id}-transport`} value={transport} onChange={(e) => setTransport(e.target.value as typeof transport)} data-testid="connection-transport">
            <option value="stdio">command (stdio)</option>
            <option value="http">URL (streamable HTTP)</option>
          </select>
        </div> : null}
      </div>
      {kind === "openapi" ? <ApiConnectionFields id={id} existing={existing?.kind === "openapi" ? existing : undefined} /> : transport === "stdio" ? (
        <div className="row wrap" style={{ alignItems: "flex-start" }}>
          <div className="field" style={{ flex: 1, minWidth: 200 }}>
            <label htmlFor={`${id}-command`}>Command</label>
            <input id={`${id}-command`} name="command" type="text" required defaultValue={stdio?.command} placeholder="npx" data-testid="connection-command" />
          </div>
          <div className="field" style={{ flex: 2, minWidth: 260 }}>
            <label htmlFor={`${id}-args`}>Arguments, one a line</label>
            <textarea id={`${id}-args`} name="args" defaultValue={stdio?.args.join("\n")} style={{ minHeight: 64 }} placeholder={"-y\n@modelcontextprotocol/server-everything"} data-testid="connection-args" />
          </div>
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-url`}>URL</label>
          <input id={`${id}-url`} name="url" type="text" required defaultValue={http?.url} placeholder="https://mcp.example.com/mcp" data-testid="connection-url" />
        </div>
      )}
      {kind === "mcp" ? <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0, gap: 8 }}>
        <legend style={{ fontWeight: 600 }}>{secretWord} (secrets: stored encrypted, never shown again)</legend>
        {existing?.secretNames.map((n) => (
          <div key={n} className="row" style={{ gap: 8 }} data-testid="existing-secret" data-secret={n}>
            <code style={{ minWidth: 160 }}>{n}</code>
            <input type="password" className="secret-input" placeholder="set: leave empty to keep" value={replace[n] ?? ""} disabled={removed[n]} onChange={(e) => setReplace({ ...replace, [n]: e.target.value })} aria-label={`new value for ${n}`} />
            <label className="row" style={{ gap: 4 }}><input type="checkbox" checked={Boolean(removed[n])} onChange={(e) => setRemoved({ ...removed, [n]: e.target.checked })} /> remove</label>
          </div>
        ))}
        {rows.map((r, i) => (
          <div key={r.key} className="row" style={{ gap: 8 }} data-testid="secret-row">
            <input type="text" placeholder={transport === "stdio" ? "API_KEY" : "Authorization"} value={r.name} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} aria-label="secret name" data-testid="secret-name" style={{ maxWidth: 220 }} />
            <input type="password" className="secret-input" placeholder="value" value={r.value} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} aria-label="secret value" data-testid="secret-value" />
          </div>
        ))}
        <div className="row"><button type="button" className="button ghost" onClick={() => setRows([...rows, { key: Date.now(), name: "", value: "" }])} data-testid="add-secret">Add a {transport === "stdio" ? "variable" : "header"}</button></div>
      </fieldset> : null}
      {invalid ? <div className="error-box" role="alert" data-testid="connection-form-error">{invalid}</div> : null}
      <div className="row" style={{ gap: 8 }}>
        <button className="button primary" type="submit" disabled={pending} data-testid="save-connection">{existing ? "Save and reconnect" : "Add and connect"}</button>
        {onCancel ? <button type="button" className="button" onClick={onCancel}>Cancel</button> : null}
      </div>
    </form>
  );
}

function kindLabel(c: Connection): string {
  if (c.kind === "openapi") return "HTTP API";
  return c.config.transport === "stdio" ? "command" : "streamable HTTP";
}
