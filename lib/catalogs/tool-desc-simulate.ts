/**
 * Deterministic stand-ins for TaskBench tools, so converted plans can run end to end without
 * any real model. Every output says it is simulated and fits the tool's output schema.
 */
import { canonicalJson, sha256Hex } from "../core/hash";
import { normalizeTypeName } from "./tool-desc-schemas";

export interface SimulatedTool {
  /** the TaskBench tool name */
  name: string;
  slug: string;
  /** the TaskBench output type name (normalised), undefined when the tool declares none */
  outputType?: string;
}

const EXTENSION: Record<string, string> = { image: "png", audio: "wav", video: "mp4" };

function summarize(input: unknown, max = 80): string {
  let text: string;
  if (input && typeof input === "object" && !Array.isArray(input)) {
    const entries = Object.entries(input as Record<string, unknown>);
    text = entries.length === 1
      ? stringify(entries[0][1])
      : entries.map(([k, v]) => `${k}=${stringify(v)}`).join(", ");
  } else text = stringify(input);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function stringify(v: unknown): string {
  return typeof v === "string" ? v : canonicalJson(v);
}

export function simulateOutput(tool: SimulatedTool, input: unknown): string {
  const hash = sha256Hex(canonicalJson({ tool: tool.name, input })).slice(0, 12);
  const type = normalizeTypeName(tool.outputType);
  const ext = EXTENSION[type];
  if (ext) return `simulated/${tool.slug}/${hash}.${ext}`;
  if (type === "url") return `https://simulated.invalid/${tool.slug}/${hash}`;
  return `[simulated ${tool.name} of ${summarize(input)}]`;
}
