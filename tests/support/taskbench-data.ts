/**
 * Where the tests find the TaskBench sample: TRELLIS_TASKBENCH_DIR when set, else
 * ../shared/data/taskbench next to the repository root. Missing data fails loudly.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseJsonl } from "../../lib/taskbench/load-set";
import type { GoldRecord, PredictionRecord } from "../../lib/taskbench/types";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function taskbenchDir(): string {
  const fromEnv = process.env.TRELLIS_TASKBENCH_DIR;
  const dir = fromEnv ? path.resolve(repoRoot, fromEnv) : path.resolve(repoRoot, "../shared/data/taskbench");
  if (!existsSync(path.join(dir, "multimedia", "tool_desc.json"))) {
    throw new Error(
      `TaskBench data not found at ${dir} (expected multimedia/tool_desc.json there). ` +
        `Put the sample at ../shared/data/taskbench next to the repository, or set TRELLIS_TASKBENCH_DIR to its folder.`,
    );
  }
  return dir;
}

export function readToolDesc(set: string): unknown {
  return JSON.parse(readFileSync(path.join(taskbenchDir(), set, "tool_desc.json"), "utf8"));
}

export function readGold(set: string): GoldRecord[] {
  return parseJsonl<GoldRecord>(readFileSync(path.join(taskbenchDir(), set, "gold.jsonl"), "utf8")).records;
}

export function readPredictions(set: string, model: string): PredictionRecord[] {
  return parseJsonl<PredictionRecord>(readFileSync(path.join(taskbenchDir(), set, `predictions.${model}.jsonl`), "utf8")).records;
}

export const SETS = ["multimedia", "huggingface", "dailylifeapis"] as const;
