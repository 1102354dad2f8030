/**
 * Reading TaskBench folders from disk (the only file in lib/taskbench that touches node:fs).
 * A data folder holds one subfolder per set; a set is a subfolder with `tool_desc.json`, plus
 * `gold.jsonl` and any number of `predictions.<model>.jsonl`.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { GoldRecord, PredictionRecord } from "./types";
import { isRecord } from "./types";

export interface JsonlResult<T> {
  records: T[];
  /** `line N: message` for lines that are not JSON objects with an id */
  errors: string[];
}

export interface PredictionFile {
  model: string;
  file: string;
  records: PredictionRecord[];
  errors: string[];
}

export interface TaskBenchSet {
  name: string;
  dir: string;
  toolDesc: unknown;
  gold: GoldRecord[];
  goldErrors: string[];
  predictions: PredictionFile[];
}

/** One JSON object per non-empty line; each needs an `id` (numbers are turned into strings). */
export function parseJsonl<T extends { id: string }>(text: string): JsonlResult<T> {
  const records: T[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const value = JSON.parse(line) as unknown;
      if (!isRecord(value)) errors.push(`line ${i + 1}: not a JSON object`);
      else if (typeof value.id !== "string" && typeof value.id !== "number") errors.push(`line ${i + 1}: no id`);
      else records.push({ ...value, id: String(value.id) } as T);
    } catch (e) {
      errors.push(`line ${i + 1}: ${(e as Error).message}`);
    }
  });
  return { records, errors };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The set names of a data folder: subfolders holding tool_desc.json, sorted. */
export async function listSets(dataDir: string): Promise<string[]> {
  const entries = await readdir(dataDir, { withFileTypes: true });
  const sets: string[] = [];
  for (const e of entries) {
    if (e.isDirectory() && (await exists(path.join(dataDir, e.name, "tool_desc.json")))) sets.push(e.name);
  }
  return sets.sort();
}

const PREDICTIONS = /^predictions\.(.+)\.jsonl$/;

export async function loadSet(dataDir: string, name: string): Promise<TaskBenchSet> {
  const dir = path.join(dataDir, name);
  const toolDesc = JSON.parse(await readFile(path.join(dir, "tool_desc.json"), "utf8")) as unknown;
  const goldFile = path.join(dir, "gold.jsonl");
  const gold = (await exists(goldFile)) ? parseJsonl<GoldRecord>(await readFile(goldFile, "utf8")) : { records: [], errors: ["gold.jsonl is missing"] };
  const predictions: PredictionFile[] = [];
  for (const file of (await readdir(dir)).sort()) {
    const m = PREDICTIONS.exec(file);
    if (!m) continue;
    const parsed = parseJsonl<PredictionRecord>(await readFile(path.join(dir, file), "utf8"));
    predictions.push({ model: m[1], file: path.join(dir, file), records: parsed.records, errors: parsed.errors });
  }
  return { name, dir, toolDesc, gold: gold.records, goldErrors: gold.errors, predictions };
}
