"use client";
/**
 * Add or edit an HTTP API connection: its OpenAPI document's URL, an optional base URL,
 * operations filter and timeout (in seconds, within the contract's timeoutMs limits), and its
 * auth. The auth's one secret (token, key or password) is write-only: editing shows that it is
 * set and keeps it unless a new value is typed.
 */
import { useState } from "react";
import { DEFAULT_TIMEOUT_MS } from "@/lib/core/action";
import { OPENAPI_AUTH_SECRET, OpenApiConnectionConfig, type Connection, type OpenApiConnectionAuth } from "@/lib/contract/connections";

/** The auth types as the form offers them: an API key in a header or in the query are two. */
type AuthType = "none" | "bearer" | "apiKey" | "apiKeyQuery" | "basic";

const AUTH_LABEL: Record<AuthType, string> = { none: "none", bearer: "bearer token", apiKey: "API key in a header", apiKeyQuery: "API key in a query parameter", basic: "basic (user name and password)" };
const SECRET_LABEL: Record<Exclude<AuthType, "none">, string> = { bearer: "Token", apiKey: "Key", apiKeyQuery: "Key", basic: "Password" };

function authTypeOf(auth: OpenApiConnectionAuth | undefined): AuthType {
  if (!auth) return "none";
  return auth.type === "apiKey" && auth.query ? "apiKeyQuery" : auth.type;
}

/** The contract's rule for timeoutMs; the form takes seconds. */
const TIMEOUT_MS = OpenApiConnectionConfig.shape.timeoutMs;
const TIMEOUT_RANGE_S = { min: (TIMEOUT_MS.unwrap().minValue ?? 0) / 1000, max: (TIMEOUT_MS.unwrap().maxValue ?? Infinity) / 1000 };
const TIMEOUT_RANGE = `Timeout: from ${TIMEOUT_RANGE_S.min} to ${TIMEOUT_RANGE_S.max} seconds, or empty for the default`;

/**
 * The timeout field's seconds as the contract's timeoutMs, rounded to whole milliseconds; none
 * when the field is empty (the default). Else what is wrong, checked by the contract's own rule.
 */
export function readTimeout(seconds: string): { ok: true; timeoutMs?: number } | { ok: false; error: string } {
  const text = seconds.trim();
  if (!text) return { ok: true };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, error: `${TIMEOUT_RANGE} ("${text}" is not a number)` };
  const ms = Math.round(value * 1000);
  const checked = TIMEOUT_MS.safeParse(ms);
  return checked.success ? { ok: true, timeoutMs: ms } : { ok: false, error: `${TIMEOUT_RANGE}; ${text} s is out of range.` };
}

/** The configuration and secret a form of ApiConnectionFields holds (the secret only when a value was typed), or what is wrong with it. */
export function readApiForm(form: FormData): { ok: true; config: OpenApiConnectionConfig; secrets: Record<string, string> } | { ok: false; error: string } {
  const text = (key: string) => String(form.get(key) ?? "").trim();
  const timeout = readTimeout(text("timeout"));
  if (!timeout.ok) return timeout;
  const authType = text("authType") as AuthType;
  const operations = text("operations").split(/[\s,]+/).filter(Boolean);
  const auth: OpenApiConnectionAuth | undefined =
    authType === "bearer" ? { type: "bearer" }
      : authType === "apiKey" ? { type: "apiKey", header: text("header") }
        : authType === "apiKeyQuery" ? { type: "apiKey", query: text("query") }
          : authType === "basic" ? { type: "basic", username: text("username") }
            : undefined;
  const config: OpenApiConnectionConfig = {
    openapi: text("openapi"),
    ...(text("baseUrl") ? { baseUrl: text("baseUrl") } : {}),
    ...(auth ? { auth } : {}),
    ...(operations.length ? { operations } : {}),
    ...(timeout.timeoutMs !== undefined ? { timeoutMs: timeout.timeoutMs } : {}),
  };
  const secret = String(form.get("secret") ?? "");
  return { ok: true, config, secrets: auth && secret ? { [OPENAPI_AUTH_SECRET[auth.type]]: secret } : {} };
}

/** The fields of an HTTP API connection, inside the connection form. */
export function ApiConnectionFields({ id, existing }: { id: string; existing?: Connection & { kind: "openapi" } }) {
  const config = existing?.config;
  const [authType, setAuthType] = useState<AuthType>(authTypeOf(config?.auth));
  const secretName = authType === "none" ? undefined : OPENAPI_AUTH_SECRET[authType === "apiKeyQuery" ? "apiKey" : authType];
  // Kept only while the auth type stays: another type takes another secret.
  const secretIsSet = Boolean(secretName && existing?.secretNames.includes(secretName) && authTypeOf(config?.auth) === authType);
  // Shown once the field is left or the form is sent; the browser refuses to send it while it is wrong.
  const [timeoutError, setTimeoutError] = useState<string | undefined>();
  const checkTimeout = (input: HTMLInputElement, show: boolean) => {
    const r = input.validity.badInput ? { ok: false as const, error: `${TIMEOUT_RANGE} (not a number)` } : readTimeout(input.value);
    input.setCustomValidity(r.ok ? "" : r.error);
    if (show || timeoutError) setTimeoutError(r.ok ? undefined : r.error);
  };

  return (
    <>
      <div className="row wrap" style={{ alignItems: "flex-start" }}>
        <div className="field" style={{ flex: 2, minWidth: 260 }}>
          <label htmlFor={`${id}-openapi`}>OpenAPI document URL</label>
          <input id={`${id}-openapi`} name="openapi" type="text" inputMode="url" required defaultValue={config?.openapi} placeholder="https://api.example.com/openapi.json" data-testid="api-document" />
        </div>
        <div className="field" style={{ flex: 1, minWidth: 200 }}>
          <label htmlFor={`${id}-base`}>Base URL (optional)</label>
          <input id={`${id}-base`} name="baseUrl" type="text" inputMode="url" defaultValue={config?.baseUrl} placeholder="from the document" data-testid="api-base-url" />
        </div>
      </div>
      <div className="row wrap" style={{ alignItems: "flex-start" }}>
        <div className="field" style={{ flex: 2, minWidth: 260 }}>
          <label htmlFor={`${id}-operations`}>Operations (optional: operation ids, all when empty)</label>
          <input id={`${id}-operations`} name="operations" type="text" defaultValue={config?.operations?.join(", ")} placeholder="listPets, getPet" data-testid="api-operations" />
        </div>
        <div className="field" style={{ flex: 1, minWidth: 200 }}>
          <label htmlFor={`${id}-timeout`}>Timeout (seconds, optional)</label>
          <input
            id={`${id}-timeout`}
            name="timeout"
            type="number"
            min={TIMEOUT_RANGE_S.min}
            max={TIMEOUT_RANGE_S.max}
            step="any"
            defaultValue={config?.timeoutMs === undefined ? undefined : config.timeoutMs / 1000}
            placeholder={`${DEFAULT_TIMEOUT_MS / 1000} (default)`}
            title={`Each step's default timeout, from ${TIMEOUT_RANGE_S.min} to ${TIMEOUT_RANGE_S.max} seconds; a step's own timeout wins. Empty: the default.`}
            aria-invalid={timeoutError ? true : undefined}
            aria-describedby={timeoutError ? `${id}-timeout-error` : undefined}
            onChange={(e) => checkTimeout(e.currentTarget, false)}
            onBlur={(e) => checkTimeout(e.currentTarget, true)}
            onInvalid={(e) => checkTimeout(e.currentTarget, true)}
            data-testid="api-timeout"
          />
          {timeoutError ? <span id={`${id}-timeout-error`} role="alert" style={{ color: "var(--danger)" }} data-testid="api-timeout-error">{timeoutError}</span> : null}
        </div>
      </div>
      <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0, gap: 8 }}>
        <legend style={{ fontWeight: 600 }}>Auth (its secret: stored encrypted, never shown again)</legend>
        <div className="row wrap" style={{ alignItems: "flex-end" }}>
          <div className="field">
            <label htmlFor={`${id}-auth`}>Type</label>
            <select id={`${id}-auth`} name="authType" value={authType} onChange={(e) => setAuthType(e.target.value as AuthType)} data-testid="api-auth">
              {(Object.keys(AUTH_LABEL) as AuthType[]).map((t) => <option key={t} value={t}>{AUTH_LABEL[t]}</option>)}
            </select>
          </div>
          {authType === "apiKey" ? (
            <div className="field">
              <label htmlFor={`${id}-header`}>Header</label>
              <input id={`${id}-header`} name="header" type="text" required defaultValue={config?.auth?.type === "apiKey" ? config.auth.header : ""} placeholder="X-Api-Key" data-testid="api-header" />
            </div>
          ) : null}
          {authType === "apiKeyQuery" ? (
            <div className="field">
              <label htmlFor={`${id}-query`}>Query parameter</label>
              <input id={`${id}-query`} name="query" type="text" required defaultValue={config?.auth?.type === "apiKey" ? config.auth.query : ""} placeholder="api_key" data-testid="api-query" />
            </div>
          ) : null}
          {authType === "basic" ? (
            <div className="field">
              <label htmlFor={`${id}-username`}>User name</label>
              <input id={`${id}-username`} name="username" type="text" required defaultValue={config?.auth?.type === "basic" ? config.auth.username : ""} data-testid="api-username" />
            </div>
          ) : null}
          {authType !== "none" ? (
            <div className="field" style={{ flex: 1, minWidth: 220 }}>
              <label htmlFor={`${id}-secret`}>{SECRET_LABEL[authType]} <span className="subtle">(secret “{secretName}”)</span></label>
              <input id={`${id}-secret`} name="secret" type="password" className="secret-input" required={!secretIsSet} placeholder={secretIsSet ? "set: leave empty to keep" : "value"} data-testid="api-secret" />
            </div>
          ) : null}
        </div>
      </fieldset>
    </>
  );
}
