/**
 * Where load_csv and load_json read from: the run's workspace, a bundled sample, or an
 * http(s) URL that passes the same host allow-list as the web actions.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
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

export function inferSourceKind(source: SourceKind | undefined, p: string): { kind: SourceKind; target: string } {
  const trimmed = p.trim();
  const sampleMatch = /^sample:(.*)$/i.exec(trimmed);
  if (source === "sample" || (!source && sampleMatch)) return { kind: "sample", target: sampleMatch ? sampleMatch[1].trim() : trimmed };
  if (source) return { kind: source, target: trimmed };
  if (/^https?:\/\//i.test(trimmed)) return { kind: "url", target: trimmed };
  return { kind: "workspace", target: trimmed };
}

const WORKSPACE_MAX_BYTES = 50 * 1024 * 1024;

export async function loadText(
  input: { source?: SourceKind; path: string },
  format: "csv" | "json",
  ctx: ActionContext,
  options: BasicActionOptions,
): Promise<LoadedText> {
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
    const text = await fs.readFile(file, "utf8").catch((err: unknown) => {
      throw new ActionError("sample_missing", `The bundled sample "${sample.name}" could not be read from ${file}.`, { cause: err });
    });
    return { text, origin: `sample:${sample.name}`, kind };
  }
  if (kind === "url") {
    const res = await limitedFetch({
      url: target,
      method: "GET",
      headers: { accept: format === "csv" ? "text/csv, text/plain;q=0.9, */*;q=0.5" : "application/json, */*;q=0.5" },
      timeoutMs: 20_000,
      maxBytes: options.httpMaxBytes ?? DEFAULT_HTTP_MAX_BYTES,
      allowHosts: options.httpAllowHosts,
      signal: ctx.signal,
    });
    if (res.status < 200 || res.status >= 300) {
      throw new ActionError("http_status", `Fetching ${res.url} returned HTTP ${res.status} ${res.statusText}.`, {
        retryable: isRetryableStatus(res.status),
        details: { status: res.status },
      });
    }
    return { text: res.body.toString("utf8"), origin: res.url, kind };
  }
  const resolved = await resolveWorkspacePath(ctx.workspaceDir, target);
  const stat = await fs.stat(resolved.absolute).catch(() => null);
  if (!stat || !stat.isFile()) {
    throw new ActionError("file_not_found", `No file "${resolved.relative}" in the run's workspace. Write it first (files.write or data.write_file) or load a sample/URL instead.`);
  }
  if (stat.size > WORKSPACE_MAX_BYTES) {
    throw new ActionError("file_too_large", `"${resolved.relative}" is ${stat.size} bytes; the limit is ${WORKSPACE_MAX_BYTES}.`);
  }
  return { text: await fs.readFile(resolved.absolute, "utf8"), origin: resolved.relative, kind };
}
