import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CreateConnectionBody, type Connection } from "@/lib/contract/connections";
import { ApiConnectionFields, readApiForm, readTimeout } from "./api-connection-form";

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

const DOC = "https://api.example.com/openapi.json";

describe("the HTTP API connection form", () => {
  it("sends the timeout in seconds as the contract's timeoutMs; empty leaves it out (the default)", () => {
    const set = readApiForm(form({ openapi: DOC, authType: "none", operations: "", timeout: "45" }));
    expect(set).toEqual({ ok: true, config: { openapi: DOC, timeoutMs: 45_000 }, secrets: {} });
    expect(CreateConnectionBody.safeParse({ kind: "openapi", name: "pets", ...(set.ok ? { config: set.config, secrets: set.secrets } : {}) }).success).toBe(true);
    expect(readApiForm(form({ openapi: DOC, authType: "none", timeout: "0.25" }))).toMatchObject({ ok: true, config: { timeoutMs: 250 } });
    expect(readApiForm(form({ openapi: DOC, authType: "none", timeout: "1.2345" }))).toMatchObject({ ok: true, config: { timeoutMs: 1235 } });
    for (const empty of ["", "  "]) {
      const cleared = readApiForm(form({ openapi: DOC, authType: "bearer", timeout: empty, secret: "t0ken" }));
      expect(cleared).toEqual({ ok: true, config: { openapi: DOC, auth: { type: "bearer" } }, secrets: { token: "t0ken" } });
    }
    expect(readApiForm(form({ openapi: DOC, authType: "none" }))).toEqual({ ok: true, config: { openapi: DOC }, secrets: {} });
  });

  it("never sends a timeout the contract refuses: it says the range in seconds", () => {
    expect(readTimeout("0.1")).toEqual({ ok: true, timeoutMs: 100 });
    expect(readTimeout("600")).toEqual({ ok: true, timeoutMs: 600_000 });
    const low = readTimeout("0.05");
    expect(low).toEqual({ ok: false, error: "Timeout: from 0.1 to 600 seconds, or empty for the default; 0.05 s is out of range." });
    expect(readTimeout("601")).toEqual({ ok: false, error: "Timeout: from 0.1 to 600 seconds, or empty for the default; 601 s is out of range." });
    for (const bad of ["0", "-5", "abc", "Infinity"]) expect(readTimeout(bad), bad).toMatchObject({ ok: false, error: expect.stringMatching(/^Timeout: from 0\.1 to 600 seconds/) });
    expect(readApiForm(form({ openapi: DOC, authType: "none", timeout: "3601" }))).toEqual({ ok: false, error: expect.stringContaining("3601 s is out of range") });
  });

  it("editing prefills the timeout in seconds; without one the field is empty and shows the default", () => {
    const existing = (timeoutMs?: number): Connection & { kind: "openapi" } => ({
      kind: "openapi", name: "pets", config: { openapi: DOC, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
      secretNames: [], status: "ok", detail: DOC, actions: [], createdBy: null, updatedBy: null, createdAt: "2025-01-01T00:00:00.000Z", updatedAt: "2025-01-01T00:00:00.000Z",
    });
    const timeoutInput = (html: string) => /<input[^>]*data-testid="api-timeout"[^>]*>/.exec(html)?.[0] ?? "";
    const edited = timeoutInput(renderToStaticMarkup(createElement(ApiConnectionFields, { id: "edit-pets", existing: existing(45_000) })));
    expect(edited).toContain('value="45"');
    expect(edited).toContain('min="0.1"');
    expect(edited).toContain('max="600"');
    expect(timeoutInput(renderToStaticMarkup(createElement(ApiConnectionFields, { id: "edit-pets", existing: existing(250) })))).toContain('value="0.25"');
    const none = timeoutInput(renderToStaticMarkup(createElement(ApiConnectionFields, { id: "edit-pets", existing: existing() })));
    expect(none).not.toContain("value=");
    expect(none).toContain('placeholder="30 (default)"');
  });
});
