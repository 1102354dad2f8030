/**
 * The shapes of TaskBench files (Shen et al. 2023, microsoft/JARVIS `taskbench/`), typed as
 * loosely as the real files are: every field may be missing or of an unexpected kind, so
 * readers check what they use.
 */

/** One tool of a set's `tool_desc.json`. Media sets use input-type/output-type, dailylifeapis uses parameters. */
export interface ToolDescNode {
  id: string;
  desc?: string;
  "input-type"?: string[];
  "output-type"?: string[];
  parameters?: { name: string; type?: string; desc?: string }[];
}

export interface ToolDesc {
  nodes: ToolDescNode[];
}

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

/**
 * How a set expresses dependencies: `resource` sets (multimedia, huggingface) pass outputs by
 * `<node-k>` references; `temporal` sets (dailylifeapis) only order tools by `task_links`.
 * The names are the ones TaskBench's evaluate.py uses (`--dependency_type`).
 */
export type DependencyType = "resource" | "temporal";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A set is `temporal` when its tools have named parameters instead of input/output types. */
export function dependencyTypeOf(desc: ToolDesc): DependencyType {
  const nodes = Array.isArray(desc.nodes) ? desc.nodes : [];
  const typed = nodes.some((n) => Array.isArray(n["input-type"]) || Array.isArray(n["output-type"]));
  return typed ? "resource" : "temporal";
}

/** The graph inside a gold record or prediction: the record itself, or its `result`. */
export function graphOf(record: unknown): TaskGraph {
  if (!isRecord(record)) return {};
  if ("task_nodes" in record) return record as TaskGraph;
  if (isRecord(record.result)) return record.result as TaskGraph;
  return {};
}
