/**
 * A TaskBench `tool_desc.json` as Trellis actions.
 *
 * - Media sets (multimedia, huggingface): each `input-type` becomes an input named by its
 *   (lower-cased) type, de-duplicated in order (`image`, `image_2`); all inputs are required.
 * - Parameter sets (dailylifeapis): each parameter becomes an input of that name
 *   (`string` → string, `date` → string with format date); all are required.
 * - The output is the bare value, not an object: `<node-k>` then maps to a binding to the whole
 *   output of step `n{k}` with no path, and the validator compares the media types directly.
 *   Output schema: the first `output-type` (`"Image"` normalised to image); a tool with no
 *   output type (huggingface Sentence Similarity, every dailylifeapis tool) outputs text
 *   (`{type: "string"}`): TaskBench's tools answer in text, and a plain string is what a
 *   downstream text input can take.
 * - `run` simulates the tool (see tool-desc-simulate.ts).
 */
import { z } from "zod";
import { defineAction, type Action } from "../core/action";
import { ActionRegistry, Catalog } from "../core/catalog";
import type { JsonSchema } from "../core/json-schema";
import { checkFormat } from "../core/schema-formats";
import { simulateOutput } from "./tool-desc-simulate";
import { dedupeNames, normalizeTypeName, schemaForType, slugify } from "./tool-desc-schemas";
import { dependencyTypeOf, isRecord, type DependencyType, type ToolDesc, type ToolDescNode } from "./tool-desc-format";

export interface TaskBenchInput {
  name: string;
  /** the TaskBench type name as written (`"Image"`, `"date"`, ...) */
  type: string;
  schema: JsonSchema;
}

export interface TaskBenchTool {
  /** the TaskBench tool name (`id` in tool_desc.json) */
  name: string;
  /** the Trellis action id */
  slug: string;
  description: string;
  inputs: TaskBenchInput[];
  /** TaskBench's first output type as written (`"Image"` stays `"Image"`), undefined when none */
  outputType?: string;
  output: JsonSchema;
}

export interface TaskBenchCatalog {
  set: string;
  dependency: DependencyType;
  tools: TaskBenchTool[];
  registry: ActionRegistry;
  catalog: Catalog;
  toolByName: ReadonlyMap<string, TaskBenchTool>;
  toolBySlug: ReadonlyMap<string, TaskBenchTool>;
  /** the tool name of an action id, or undefined when the id is not one of the set's tools */
  nameOf(slug: string): string | undefined;
  /** the action id of a tool name, or undefined when the name is not in the set */
  slugOf(name: string): string | undefined;
}

export const TEXT_OUTPUT: JsonSchema = { type: "string" };

function inputsOf(node: ToolDescNode, dependency: DependencyType): TaskBenchInput[] {
  if (dependency === "temporal") {
    const params = Array.isArray(node.parameters) ? node.parameters.filter(isRecord) : [];
    const names = dedupeNames(params.map((p, i) => (typeof p.name === "string" && p.name ? p.name : `arg_${i + 1}`)));
    return params.map((p, i) => ({ name: names[i], type: String(p.type ?? ""), schema: schemaForType(p.type) }));
  }
  const types = Array.isArray(node["input-type"]) ? node["input-type"].map((t) => String(t)) : [];
  const names = dedupeNames(types.map((t) => slugify(normalizeTypeName(t) || "input")));
  return types.map((t, i) => ({ name: names[i], type: t, schema: schemaForType(t) }));
}

function objectSchema(inputs: readonly TaskBenchInput[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const i of inputs) properties[i.name] = i.schema;
  return { type: "object", properties, required: inputs.map((i) => i.name), additionalProperties: false };
}

/** The zod schema of an output: zod does not know media formats, so they become a refinement. */
function outputZod(schema: JsonSchema): z.ZodType {
  const base = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  const format = typeof schema.format === "string" ? schema.format : undefined;
  if (!format) return base;
  return base.refine((v) => typeof v !== "string" || checkFormat(v, format) === null, { message: `must be a ${format} value` });
}

export function catalogFromToolDesc(set: string, toolDesc: unknown): TaskBenchCatalog {
  const desc: ToolDesc = isRecord(toolDesc) && Array.isArray(toolDesc.nodes) ? (toolDesc as unknown as ToolDesc) : { nodes: [] };
  const dependency = dependencyTypeOf(desc);
  const tools: TaskBenchTool[] = [];
  const usedSlugs = new Set<string>();
  const toolByName = new Map<string, TaskBenchTool>();
  for (const node of desc.nodes) {
    if (!isRecord(node) || typeof node.id !== "string" || toolByName.has(node.id)) continue;
    let slug = slugify(node.id);
    for (let k = 2; usedSlugs.has(slug); k++) slug = `${slugify(node.id)}_${k}`;
    usedSlugs.add(slug);
    const outTypes = Array.isArray(node["output-type"]) ? node["output-type"] : [];
    const outputType = outTypes.length ? String(outTypes[0]) : undefined;
    const tool: TaskBenchTool = {
      name: node.id,
      slug,
      description: typeof node.desc === "string" ? node.desc : "",
      inputs: inputsOf(node, dependency),
      outputType,
      output: outputType === undefined ? TEXT_OUTPUT : schemaForType(outputType),
    };
    tools.push(tool);
    toolByName.set(tool.name, tool);
  }
  const actions = tools.map((t) => toolAction(set, t));
  const registry = new ActionRegistry(actions);
  const toolBySlug = new Map(tools.map((t) => [t.slug, t]));
  return {
    set,
    dependency,
    tools,
    registry,
    catalog: registry.catalog,
    toolByName,
    toolBySlug,
    nameOf: (slug) => toolBySlug.get(slug)?.name,
    slugOf: (name) => toolByName.get(name)?.slug,
  };
}

function toolAction(set: string, tool: TaskBenchTool): Action {
  const inputSchema = objectSchema(tool.inputs);
  const action = defineAction({
    id: tool.slug,
    title: tool.name,
    description: tool.description,
    flows: [set],
    effect: "pure",
    source: `taskbench:${set}`,
    input: z.fromJSONSchema(inputSchema as Parameters<typeof z.fromJSONSchema>[0]),
    output: outputZod(tool.output),
    run: (input) => simulateOutput({ name: tool.name, slug: tool.slug, outputType: tool.outputType }, input),
  });
  // zod drops the media formats on the way back to JSON Schema: the spec carries the exact schemas.
  return { ...action, spec: { ...action.spec, input: inputSchema, output: tool.output } };
}
