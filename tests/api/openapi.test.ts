/**
 * The OpenAPI document against the code, with no server: every route handler is documented
 * (and nothing else is), path parameters are declared, references resolve, and each route
 * is built from its own row of the operations table, so it parses its params, query and body
 * with the very schemas the document was generated from.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/contract/openapi";
import type { Operation } from "../../lib/contract/operation";
import { OPERATIONS as TABLE } from "../../lib/contract/operations";
import { resolveRefs, type Doc } from "../support/openapi-check";

const OPERATIONS = Object.values(TABLE) as Operation[];
const API = path.join(process.cwd(), "app", "api");

function routeFiles(dir = API): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : []));
}

/** `app/api/plans/[id]/route.ts` → `/api/plans/{id}` */
function apiPath(file: string): string {
  return `/${path.relative(path.join(process.cwd(), "app"), path.dirname(file)).split(path.sep).join("/")}`.replace(/\[(\w+)\]/g, "{$1}");
}

function exportedMethods(source: string): string[] {
  return [...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1].toLowerCase());
}

/** The MCP endpoint speaks JSON-RPC through the SDK's transport (tests/api/mcp-endpoint.test.ts), not the REST contract. */
const PROTOCOL_ROUTES = new Set(["/api/mcp"]);

const routes = routeFiles().map((file) => ({ file, path: apiPath(file), source: readFileSync(file, "utf8") })).filter((r) => !PROTOCOL_ROUTES.has(r.path));

describe("the OpenAPI document", () => {
  it("documents every route handler, and only those", () => {
    const inCode = routes.flatMap((r) => exportedMethods(r.source).map((m) => `${m.toUpperCase()} ${r.path}`)).sort();
    const documented = OPERATIONS.map((o) => `${o.method} ${o.path}`).sort();
    expect(documented).toEqual(inCode);
  });

  it("declares every path parameter, has unique operation ids, and every reference resolves", () => {
    for (const op of OPERATIONS) {
      const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(Object.keys(op.params?.shape ?? {}).sort(), op.id).toEqual(inPath);
    }
    expect(new Set(OPERATIONS.map((o) => o.id)).size).toBe(OPERATIONS.length);
    for (const [key, op] of Object.entries(TABLE)) expect(op.id, key).toBe(key);
    const doc = openApiDocument() as unknown as Doc & { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    expect(() => resolveRefs(doc, doc.paths)).not.toThrow();
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("builds each route handler from its own row of the operations table", () => {
    const mismatches: string[] = [];
    for (const r of routes) {
      for (const method of exportedMethods(r.source)) {
        const op = OPERATIONS.find((o) => o.path === r.path && o.method === method.toUpperCase());
        const handler = new RegExp(`export\\s+const\\s+${method.toUpperCase()}\\s*=\\s*route\\(\\s*OPERATIONS\\.(\\w+)\\b`).exec(r.source);
        if (!handler) mismatches.push(`${method.toUpperCase()} ${r.path}: not built with route(OPERATIONS.<id>, ...)`);
        else if (handler[1] !== op?.id) mismatches.push(`${method.toUpperCase()} ${r.path}: serves OPERATIONS.${handler[1]}, but its row is ${op?.id}`);
      }
      // The one wrapper parses requests: no route reads a body or query by hand.
      if (/\b(request|req)\.(json|text|formData)\(|searchParams\.get\(/.test(r.source)) mismatches.push(`${r.path}: reads the request by hand`);
    }
    expect(mismatches).toEqual([]);
  });
});
