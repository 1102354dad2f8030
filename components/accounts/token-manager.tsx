"use client";
/** The settings page's API tokens: make one (shown once), see each one's scopes, expiry and last use, revoke it. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createTokenAction, revokeTokenAction } from "@/app/account-actions";
import type { TokenScope } from "@/lib/contract/access";
import type { TokenInfo } from "@/lib/contract/accounts";
import { TimeAgo } from "@/components/ui/time-ago";

const SCOPE_TEXT: Record<TokenScope, string> = {
  read: "read: see plans, runs and templates",
  run: "run: plan, edit and run",
  approve: "approve: approve and reject waiting steps",
  admin: "admin: everything your role allows, tokens and members included",
};

export function TokenManager({ tokens, scopes }: { tokens: TokenInfo[]; scopes: TokenScope[] }) {
  const router = useRouter();
  const [made, setMade] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [pending, start] = useTransition();

  const create = (form: FormData) =>
    start(async () => {
      const days = Number(form.get("days") ?? 0);
      const r = await createTokenAction({ name: String(form.get("name") ?? ""), scopes: form.getAll("scope").map(String), ...(days ? { expiresInDays: days } : {}) });
      if (!r.ok) return setError(r.error);
      setError(undefined);
      setMade(r.value.token);
      router.refresh();
    });
  const revoke = (id: string) =>
    start(async () => {
      const r = await revokeTokenAction(id);
      if (!r.ok) setError(r.error);
      router.refresh();
    });

  return (
    <section className="card" data-testid="tokens">
      <div className="card-header"><h2>API tokens</h2></div>
      <div className="card-body stack">
        <p className="muted">For the REST API, the CLI (<code>trellis login --server URL</code> or <code>TRELLIS_TOKEN</code>) and MCP clients (<code>Authorization: Bearer …</code>). A token can do at most what your role can; only its hash is kept.</p>
        {made ? (
          <div className="notice" role="status" data-testid="token-made">
            Copy the token now; it is not shown again: <code data-testid="token-value" style={{ userSelect: "all", wordBreak: "break-all" }}>{made}</code>
          </div>
        ) : null}
        {error ? <div className="error-box" role="alert" data-testid="token-error">{error}</div> : null}
        <form action={create} className="stack" data-testid="token-form" style={{ gap: 12 }}>
          <div className="row wrap">
            <div className="field" style={{ flex: 1, minWidth: 220 }}>
              <label htmlFor="token-name">Name</label>
              <input id="token-name" name="name" required maxLength={80} placeholder="laptop CLI" />
            </div>
            <div className="field">
              <label htmlFor="token-days">Expires</label>
              <select id="token-days" name="days" defaultValue="90">
                <option value="7">in 7 days</option>
                <option value="30">in 30 days</option>
                <option value="90">in 90 days</option>
                <option value="365">in a year</option>
                <option value="0">never</option>
              </select>
            </div>
          </div>
          <fieldset className="row wrap" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="subtle">Scopes</legend>
            {scopes.map((s) => (
              <label key={s} className="row" style={{ gap: 6 }}>
                <input type="checkbox" name="scope" value={s} defaultChecked={s === "read"} data-testid={`scope-${s}`} /> {SCOPE_TEXT[s]}
              </label>
            ))}
          </fieldset>
          <div className="row"><button className="button primary" type="submit" disabled={pending} data-testid="create-token">Make a token</button></div>
        </form>
        {tokens.length ? (
          <table className="table" data-testid="token-list">
            <thead><tr><th>Name</th><th>Token</th><th>Scopes</th><th>Made</th><th>Expires</th><th>Last used</th><th /></tr></thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-testid="token-row" data-revoked={t.revokedAt ? "true" : undefined}>
                  <td>{t.name}</td>
                  <td><code>{t.prefix}…</code></td>
                  <td>{t.scopes.join(", ")}</td>
                  <td><TimeAgo date={t.createdAt} /></td>
                  <td>{t.expiresAt ? new Date(t.expiresAt).toISOString().slice(0, 10) : "never"}</td>
                  <td data-testid="token-last-used">{t.lastUsedAt ? <TimeAgo date={t.lastUsedAt} /> : "never"}</td>
                  <td>{t.revokedAt ? <span className="subtle">revoked</span> : <button type="button" className="button" onClick={() => revoke(t.id)} disabled={pending} data-testid="revoke-token">Revoke</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p className="subtle">No tokens yet.</p>}
      </div>
    </section>
  );
}
