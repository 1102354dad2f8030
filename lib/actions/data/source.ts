/**
 * Where load_csv and load_json read from: the run's workspace, a bundled sample, or an
 * http(s) URL that passes the same host allow-list as the web actions.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { ActionError, type ActionContext } from "@/lib/core/action";
import { resolveWorkspacePath } from "../files/workspace-path";
import { isRetryableStatus, limitedFetch, DEFAULT_HTTP_MAX_BYTES } from "../web/limited-fetch";
import { SAMPLES, defaultSamplesDir } from "../samples/catalog";
import type { BasicActionOptions } from "../options";

export const SourceKind = z.enum(["workspace", "sample", "url"]);
export type SourceKind = z.infer<typeof SourceKind>;

export const sourceFields = {
  source: SourceKind.optional().describe(
    'Where to read from: "workspace" (a file in the run\'s folder), "sample" (a bundled dataset) or "url" (http/https). Optional: inferred from `path` (http(s):// → url, "sample:NAME" → sample, anything else → workspace).',
  ),
  path: z
    .string()
    .min(1)
    .describe('The workspace-relative file path, the sample name (e.g. "sales.csv" or "sample:sales.csv"), or the URL'),
};

export interface LoadedText {
  text: string;
  /** a short description of where the text came from, for logs and outputs */
  origin: string;
  kind: SourceKind;
}

/** A source opened for reading: its text arrives in chunks. */
export interface OpenedText {
  chunks: AsyncIterable<string>;
  origin: string;
  kind: SourceKind;
  /** its size in bytes, when known */
  bytes?: number;
}

/** Whether a load step's input reads from an http(s) URL (a request that leaves Trellis), as opposed to the workspace or a sample. */
export function readsUrl(input: { source?: SourceKind; path: string }): boolean {
  return inferSourceKind(input.source, input.path).kind === "url";
}

export function inferSourceKind(source: SourceKind | undefined, p: string): { kind: SourceKind; target: string } {
  const trimmed = p.trim();
  const sampleMatch = /^sample:(.*)$/i.exec(trimmed);
  if (source === "sample" || (!source && sampleMatch)) return { kind: "sample", target: sampleMatch ? sampleMatch[1].trim() : trimmed };
  if (source) return { kind: source, target: trimmed };
  if (/^https?:\/\//i.test(trimmed)) return { kind: "url", target: trimmed };
  return { kind: "workspace", target: trimmed };
}

const WORKSPACE_MAX_BYTES = 50 * 1024 * 1024;
const CHUNK_BYTES = 1 << 20;

/** The whole text of a source (for formats that are parsed all at once). */
export async function loadText(
  input: { source?: SourceKind; path: string },
  format: "csv" | "json",
  ctx: ActionContext,
  options: BasicActionOptions,
): Promise<LoadedText> {
  const opened = await openText(input, format, ctx, options);
  let text = "";
  for await (const chunk of opened.chunks) text += chunk;
  return { text, origin: opened.origin, kind: opened.kind };
}

/**
 * Opens a source for reading chunk by chunk (1 MB at a time, UTF-8 decoded across chunk
 * ends), so a large file is parsed while it is read instead of after.
 */
export async function openText(
  input: { source?: SourceKind; path: string },
  format: "csv" | "json",
  ctx: ActionContext,
  options: BasicActionOptions,
): Promise<OpenedText> {
  const { kind, target } = inferSourceKind(input.source, input.path);
  if (kind === "sample") {
    const wanted = target.toLowerCase();
    // "sales" is as clear as "sales.csv"; planners often drop the extension.
    const sample = SAMPLES.find((s) => s.name.toLowerCase() === wanted || s.name.toLowerCase().replace(/\.[a-z]+$/, "") === wanted);
    if (!sample) {
      throw new ActionError("unknown_sample", `There is no sample named "${target}". Available samples: ${SAMPLES.map((s) => s.name).join(", ")}.`);
    }
    if (sample.format !== format) {
      throw new ActionError("wrong_format", `The sample "${sample.name}" is ${sample.format.toUpperCase()}; load it with data.load_${sample.format}.`);
    }
    const file = path.join(options.samplesDir ?? defaultSamplesDir(), sample.name);
    const handle = await fs.open(file).catch((err: unknown) => {
      throw new ActionError("sample_missing", `The bundled sample "${sample.name}" could not be read from ${file}.`, { cause: err });
    });
    const { size } = await handle.stat();
    return { chunks: fileChunks(handle, ctx.signal), origin: `sample:${sample.name}`, kind, bytes: size };
  }
  if (kind === "url") {
    const res = await limitedFetch({
      url: target,
      method: "GET",
      headers: { accept: format === "csv" ? "text/csv, text/plain;q=0.9, */*;q=0.5" : "application/json, */*;q=0.5" },
      timeoutMs: 20_000,
      maxBytes: options.httpMaxBytes ?? DEFAULT_HTTP_MAX_BYTES,
      allowHosts: options.httpAllowHosts,
      allowPrivate: options.httpAllowPrivate,
      signal: ctx.signal,
    });
    if (res.status < 200 || res.status >= 300) {
      throw new ActionError("http_status", `Fetching ${res.url} returned HTTP ${res.status} ${res.statusText}.`, {
        retryable: isRetryableStatus(res.status),
        details: { status: res.status },
      });
    }
    return { chunks: bufferChunks(res.body), origin: res.url, kind, bytes: res.body.length };
  }
  const resolved = await resolveWorkspacePath(ctx.workspaceDir, target);
  const stat = await fs.stat(resolved.absolute).catch(() => null);
  if (!stat || !stat.isFile()) {
    throw new ActionError("file_not_found", `No file "${resolved.relative}" in the run's workspace. Write it first (files.write or data.write_file) or load a sample/URL instead.`);
  }
  if (stat.size > WORKSPACE_MAX_BYTES) {
    throw new ActionError("file_too_large", `"${resolved.relative}" is ${stat.size} bytes; the limit is ${WORKSPACE_MAX_BYTES}.`);
  }
  const handle = await fs.open(resolved.absolute);
  return { chunks: fileChunks(handle, ctx.signal), origin: resolved.relative, kind, bytes: stat.size };
}

async function* fileChunks(handle: fs.FileHandle, signal: AbortSignal): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (;;) {
      signal.throwIfAborted();
      const { bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      yield decoder.write(buf.subarray(0, bytesRead));
    }
    const rest = decoder.end();
    if (rest) yield rest;
  } finally {
    await handle.close();
  }
}

async function* bufferChunks(body: Buffer): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  for (let i = 0; i < body.length; i += CHUNK_BYTES) yield decoder.write(body.subarray(i, i + CHUNK_BYTES));
  const rest = decoder.end();
  if (rest) yield rest;
}
