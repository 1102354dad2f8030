/**
 * The shapes of TaskBench files (Shen et al. 2023, microsoft/JARVIS `taskbench/`), typed as
 * loosely as the real files are: every field may be missing or of an unexpected kind, so
 * readers check what they use. The tool catalog format (`tool_desc.json`) is the product's
 * (lib/catalogs/tool-desc-format), re-exported here.
 */

import { isRecord } from "../catalogs/tool-desc-format";

export { dependencyTypeOf, isRecord, type DependencyType, type ToolDesc, type ToolDescNode } from "../catalogs/tool-desc-format";

/** A task node as written: `arguments` is meant to be a list, but real data holds anything. */
export interface TaskNode {
  task?: unknown;
  arguments?: unknown;
  [key: string]: unknown;
}

export interface TaskLink {
  source?: unknown;
  target?: unknown;
}

/** A task graph: a gold record or a prediction's `result`. */
export interface TaskGraph {
  task_steps?: unknown;
  task_nodes?: unknown;
  task_links?: unknown;
}

export interface GoldRecord extends TaskGraph {
  id: string;
  instruction?: string;
  type?: string;
  [key: string]: unknown;
}

export interface PredictionRecord {
  id: string;
  user_request?: string;
  result?: unknown;
  [key: string]: unknown;
}

/** The graph inside a gold record or prediction: the record itself, or its `result`. */
export function graphOf(record: unknown): TaskGraph {
  if (!isRecord(record)) return {};
  if ("task_nodes" in record) return record as TaskGraph;
  if (isRecord(record.result)) return record.result as TaskGraph;
  return {};
}
