/**
 * The `tool_desc.json` format (TaskBench, Shen et al. 2023): a set's tools, typed as loosely as
 * the real files are, so readers check what they use.
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
