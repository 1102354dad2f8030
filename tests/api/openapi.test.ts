/**
 * The OpenAPI document against the code, with no server: every route handler is documented
 * (and nothing else is), path parameters are declared, references resolve, and each route
 * parses its body and query with the very schema the document was generated from.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { OPERATIONS, openApiDocument } from "../../lib/server/openapi";
import * as planEditing from "../../lib/server/plan-editing";
import * as planning from "../../lib/server/planning";
import * as plans from "../../lib/server/plans";
import * as runs from "../../lib/server/runs";
import * as templates from "../../lib/server/templates";
import { resolveRefs, type Doc } from "./openapi-check";

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

const routes = routeFiles().map((file) => ({ file, path: apiPath(file), source: readFileSync(file, "utf8") }));

describe("the OpenAPI document", () => {
  it("documents every route handler, and only those", () => {
    const inCode = routes.flatMap((r) => exportedMethods(r.source).map((m) => `${m.toUpperCase()} ${r.path}`)).sort();
    const documented = OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    expect(documented).toEqual(inCode);
  });

  it("declares every path parameter, has unique operation ids, and every reference resolves", () => {
    for (const op of OPERATIONS) {
      const inPath = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(Object.keys(op.pathParams ?? {}).sort(), op.operationId).toEqual(inPath);
    }
    expect(new Set(OPERATIONS.map((o) => o.operationId)).size).toBe(OPERATIONS.length);
    const doc = openApiDocument() as unknown as Doc & { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    expect(() => resolveRefs(doc, doc.paths)).not.toThrow();
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("generates each body and query from the schema its route reads it with", () => {
    const exported = new Map<z.ZodType, string>();
    for (const mod of [planEditing, planning, plans, runs, templates]) {
      for (const [name, value] of Object.entries(mod)) if (value && typeof value === "object" && "safeParse" in value) exported.set(value as z.ZodType, name);
    }
    const mismatches: string[] = [];
    for (const op of OPERATIONS) {
      const route = routes.find((r) => r.path === op.path)!;
      for (const [what, schema] of [["body", op.body], ["query", op.query]] as const) {
        // A query the route reads by hand (the events stream's lastEventId) has no zod schema to share.
        if (!schema || (what === "query" && !/\breadQuery\(/.test(route.source))) continue;
        const name = exported.get(schema);
        if (!name) mismatches.push(`${op.operationId}: its ${what} schema is not exported from lib/server`);
        else if (!new RegExp(`\\b(readBody|readJsonBody|readQuery)\\(\\s*\\w+\\s*,\\s*${name}\\b`).test(route.source)) mismatches.push(`${op.operationId}: ${path.relative(process.cwd(), route.file)} does not read its ${what} with ${name}`);
      }
    }
    expect(mismatches).toEqual(KNOWN_INLINE);
  });
});

const KNOWN_INLINE: string[] = [];
