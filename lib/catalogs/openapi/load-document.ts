/**
 * Reads an OpenAPI 3.0/3.1 document (JSON or YAML) from a URL or a file, at most `maxBytes`,
 * and resolves its internal `$ref`s with @apidevtools/swagger-parser. References to other files
 * or URLs are not followed (a document must not make Trellis fetch what it names); a recursive
 * schema keeps its `$ref` where it loops. The URL is fetched through the address guard.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { parse as parseYaml } from "yaml";
import type { AddressPolicy } from "../../actions/web/address-guard";
import { limitedFetch } from "../../actions/web/limited-fetch";

export const DEFAULT_MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** The parts of a dereferenced OpenAPI document Trellis reads. */
export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string; description?: string; version?: string };
  servers?: Array<{ url: string; variables?: Record<string, { default?: string }> }>;
  paths?: Record<string, Record<string, unknown>>;
}

export interface LoadOptions {
  /** where a relative file path is read from (the sources file's folder) */
  baseDir: string;
  maxBytes?: number;
  policy: AddressPolicy;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface LoadedDocument {
  doc: OpenApiDocument;
  /** the document's URL, when it came from one (a relative server URL is resolved against it) */
  url?: URL;
}

/** Fails with an Error whose message says what is wrong, for the source's health. */
export async function loadDocument(location: string, options: LoadOptions): Promise<LoadedDocument> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  let text: string;
  let url: URL | undefined;
  if (/^https?:\/\//i.test(location)) {
    url = new URL(location);
    const res = await limitedFetch({
      url: location,
      headers: { accept: "application/json, application/yaml;q=0.9, */*;q=0.5", "user-agent": "Trellis/0.1 (+workflow runner)" },
      timeoutMs: options.timeoutMs ?? 15_000,
      maxBytes,
      allowHosts: [url.hostname],
      addressPolicy: options.policy,
      signal: options.signal ?? new AbortController().signal,
    }).catch((err: Error) => { throw new Error(`the document could not be fetched: ${err.message}`); });
    if (res.status < 200 || res.status >= 300) throw new Error(`the document's URL answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
    text = res.body.toString("utf8");
  } else {
    const file = path.resolve(options.baseDir, location);
    const size = await stat(file).then((s) => s.size, (err: NodeJS.ErrnoException) => { throw new Error(`the document ${file} cannot be read (${err.code ?? err.message})`); });
    if (size > maxBytes) throw new Error(`the document is larger than the ${maxBytes}-byte limit (it is ${size} bytes)`);
    text = await readFile(file, "utf8");
  }
  return { doc: await parseDocument(text), url };
}

/** The text as a dereferenced OpenAPI 3.x document. */
export async function parseDocument(text: string): Promise<OpenApiDocument> {
  let json: unknown;
  try {
    json = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new Error(`the document is neither JSON nor YAML (${(err as Error).message.split("\n")[0]})`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new Error("the document is not an OpenAPI object");
  const version = (json as { openapi?: unknown; swagger?: unknown }).openapi;
  if ((json as { swagger?: unknown }).swagger !== undefined) throw new Error("the document is Swagger 2.0; Trellis reads OpenAPI 3.0 and 3.1");
  if (typeof version !== "string" || !/^3\.[01]\./.test(version)) throw new Error(`the document's "openapi" version is ${JSON.stringify(version ?? null)}; Trellis reads 3.0.x and 3.1.x`);
  try {
    const doc = await SwaggerParser.dereference(json as never, { resolve: { external: false }, dereference: { circular: "ignore" } });
    return doc as unknown as OpenApiDocument;
  } catch (err) {
    throw new Error(`the document's references do not resolve (${(err as Error).message.split("\n")[0]})`);
  }
}
