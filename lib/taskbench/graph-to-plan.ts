/**
 * A TaskBench task graph (a gold record or a prediction's `result`) as a Trellis plan.
 * Nothing is repaired: what the graph says is kept so the validator can report it, and every
 * oddity is listed in `notes`. The choices (see README.md):
 *
 * - step `n{k}` is `task_nodes[k]`; its action is the tool's action id, or the name as written
 *   when the tool is not in the catalog (→ unknown_action).
 * - media sets: argument i feeds the tool's i-th input; extra arguments become `arg_{i+1}`
 *   (→ unknown_input); missing ones stay unbound (→ missing_required_input).
 *   `<node-k>` → a binding to step `n{k}` (self → self_reference, forward stays forward and may
 *   make a cycle, out of range → unknown_step_ref); `<node-k>[0]` → the same with a path
 *   (→ invalid_path); text with embedded references stays a literal string and the step waits
 *   for the referenced steps through `after`; a whole-string placeholder that names an output
 *   (`<output of X>`, `<node0>`) → a binding to an unknown step of that name (→ unknown_step_ref),
 *   any other placeholder (`<original_text>`) → a binding to an undeclared plan input of that
 *   name (→ missing_plan_input). Numbers and objects stay literals (→ invalid_literal).
 * - dailylifeapis: `{name, value}` arguments → inputs of that name (unknown names →
 *   unknown_input); `task_links` (by tool name) → `after` edges.
 * - plan outputs: one per sink step, named by the step id.
 */
import type { Binding, Plan, Step } from "../core/plan";
import type { TaskBenchCatalog, TaskBenchTool } from "../catalogs/tool-desc";
import { placeholderNamesStep, readArgumentText } from "./node-refs";
import { isRecord, type TaskGraph } from "./types";

export interface GraphToPlanResult {
  plan: Plan;
  notes: string[];
}

export interface GraphToPlanOptions {
  goal?: string;
}

export function stepIdOf(index: number): string {
  return `n${index}`;
}

export function graphToPlan(graph: TaskGraph | unknown, cat: TaskBenchCatalog, options: GraphToPlanOptions = {}): GraphToPlanResult {
  const notes: string[] = [];
  const g = isRecord(graph) ? (graph as TaskGraph) : {};
  if (!isRecord(graph)) notes.push(`graph: not an object (${describe(graph)}); empty plan`);
  let nodes: unknown[] = [];
  if (Array.isArray(g.task_nodes)) nodes = g.task_nodes;
  else notes.push(`graph: task_nodes is ${g.task_nodes === undefined ? "missing" : describe(g.task_nodes)}; empty plan`);

  const names = nodes.map((n) => (isRecord(n) && typeof n.task === "string" ? n.task : undefined));
  const steps: Step[] = nodes.map((node, i) => convertNode(node, i, nodes.length, cat, notes));

  if (cat.dependency === "temporal") addTaskLinks(g.task_links, steps, names, notes);
  else if (g.task_links !== undefined && !Array.isArray(g.task_links)) notes.push(`graph: task_links is ${describe(g.task_links)}`);

  const plan: Plan = { goal: options.goal ?? "", flows: [cat.set], inputs: [], steps, outputs: sinkOutputs(steps) };
  return { plan, notes };
}

function convertNode(node: unknown, i: number, count: number, cat: TaskBenchCatalog, notes: string[]): Step {
  const id = stepIdOf(i);
  const where = (input?: string) => (input ? `${id}.${input}` : id);
  if (!isRecord(node)) {
    notes.push(`${id}: task node is ${describe(node)}, not an object`);
    return { id, action: "(no task)", inputs: {} };
  }
  let action: string;
  let tool: TaskBenchTool | undefined;
  if (typeof node.task === "string" && node.task.trim()) {
    tool = cat.toolByName.get(node.task);
    action = tool ? tool.slug : node.task;
    if (!tool) notes.push(`${id}: unknown tool "${node.task}"`);
  } else {
    action = node.task === undefined ? "(no task)" : String(node.task) || "(no task)";
    notes.push(`${id}: task is ${describe(node.task)}`);
  }
  for (const key of Object.keys(node)) {
    if (key !== "task" && key !== "arguments") notes.push(`${id}: ignored key "${key}" (${describe(node[key])})`);
  }

  const inputs: Record<string, Binding> = {};
  const after: string[] = [];
  const bind = (name: string, value: unknown) => {
    let key = name;
    for (let k = 2; key in inputs; k++) key = `${name}_${k}`;
    if (key !== name) notes.push(`${where(name)}: given twice; the second is "${key}"`);
    inputs[key] = toBinding(value, i, count, where(key), after, notes);
  };

  const raw = node.arguments;
  let args: unknown[];
  if (Array.isArray(raw)) args = raw;
  else if (raw === undefined) {
    notes.push(`${id}: no arguments`);
    args = [];
  } else if (isRecord(raw)) {
    notes.push(`${id}: arguments is an object; its keys are used as input names`);
    for (const [k, v] of Object.entries(raw)) bind(k, v);
    args = [];
  } else {
    notes.push(`${id}: arguments is ${typeof raw === "string" ? "a string" : describe(raw)}; read as one argument`);
    args = raw === null ? [] : [raw];
  }

  const positional = tool?.inputs.map((x) => x.name) ?? [];
  if (cat.dependency === "temporal") {
    args.forEach((arg, j) => {
      if (isRecord(arg) && typeof arg.name === "string" && arg.name) {
        if (tool && !positional.includes(arg.name)) notes.push(`${where(arg.name)}: unknown parameter of ${tool.name}`);
        const extra = Object.keys(arg).filter((k) => k !== "name" && k !== "value");
        if (extra.length) notes.push(`${where(arg.name)}: ignored argument keys ${extra.join(", ")}`);
        bind(arg.name, arg.value);
      } else {
        const name = positional[j] ?? `arg_${j + 1}`;
        notes.push(`${where(name)}: argument ${j + 1} is ${describe(arg)}, not {name, value}; bound by position`);
        bind(name, isRecord(arg) && "value" in arg ? arg.value : arg);
      }
    });
  } else {
    args.forEach((arg, j) => {
      const name = positional[j] ?? `arg_${j + 1}`;
      if (tool && j >= positional.length) notes.push(`${where(name)}: extra argument (${tool.name} takes ${positional.length})`);
      bind(name, arg);
    });
  }
  if (tool) {
    const missing = tool.inputs.map((x) => x.name).filter((n) => !(n in inputs));
    if (missing.length) notes.push(`${id}: missing argument${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${tool.name}`);
  }

  const step: Step = { id, action, inputs };
  if (after.length) step.after = [...new Set(after)];
  return step;
}

function toBinding(value: unknown, i: number, count: number, where: string, after: string[], notes: string[]): Binding {
  if (typeof value !== "string") {
    if (typeof value === "number") notes.push(`${where}: numeric argument ${value}`);
    else notes.push(`${where}: ${describe(value)} argument ${JSON.stringify(value) ?? ""}`.trimEnd());
    return { kind: "literal", value };
  }
  const read = readArgumentText(value);
  switch (read.kind) {
    case "text":
      return { kind: "literal", value };
    case "ref": {
      refNote(read.node, i, count, where, value, notes);
      if (read.path.length) {
        notes.push(`${where}: reference with a path "${value}"`);
        return { kind: "step", step: stepIdOf(read.node), path: read.path };
      }
      return { kind: "step", step: stepIdOf(read.node) };
    }
    case "embedded": {
      notes.push(`${where}: embedded reference in "${value}"; kept as text, ordered after ${read.nodes.map(stepIdOf).join(", ")}`);
      for (const k of read.nodes) {
        refNote(k, i, count, where, value, notes);
        after.push(stepIdOf(k));
      }
      return { kind: "literal", value };
    }
    case "placeholder": {
      if (placeholderNamesStep(read.text)) {
        notes.push(`${where}: placeholder "${value}" names an output; bound to an unknown step`);
        return { kind: "step", step: read.text };
      }
      notes.push(`${where}: placeholder "${value}"; bound to an undeclared plan input`);
      return { kind: "input", name: read.text };
    }
  }
}

function refNote(k: number, i: number, count: number, where: string, text: string, notes: string[]) {
  if (k === i) notes.push(`${where}: self reference "${text}"${k > 0 ? " (1-based numbering?)" : ""}`);
  else if (k >= count) notes.push(`${where}: reference to missing node "${text}" (${count} nodes)`);
  else if (k > i) notes.push(`${where}: forward reference "${text}"`);
}

function addTaskLinks(links: unknown, steps: Step[], names: (string | undefined)[], notes: string[]) {
  if (links === undefined) return;
  if (!Array.isArray(links)) {
    notes.push(`graph: task_links is ${describe(links)}`);
    return;
  }
  const indexOf = (end: unknown): number | undefined => {
    if (typeof end === "number" && Number.isInteger(end) && end >= 0 && end < steps.length) return end;
    if (typeof end !== "string") return undefined;
    const ref = /^<node-(\d+)>$/.exec(end.trim());
    if (ref && Number(ref[1]) < steps.length) return Number(ref[1]);
    const first = names.indexOf(end);
    if (first >= 0 && names.indexOf(end, first + 1) >= 0) notes.push(`task_links: "${end}" names more than one node; the first is used`);
    return first >= 0 ? first : undefined;
  };
  links.forEach((link, j) => {
    if (!isRecord(link)) {
      notes.push(`task_links[${j}]: ${describe(link)}, not {source, target}`);
      return;
    }
    const t = indexOf(link.target);
    if (t === undefined) {
      notes.push(`task_links[${j}]: target ${JSON.stringify(link.target)} is not a node; link dropped`);
      return;
    }
    const s = indexOf(link.source);
    const step = steps[t];
    const dep = s === undefined ? String(link.source) : step && stepIdOf(s);
    if (s === undefined) notes.push(`task_links[${j}]: source ${JSON.stringify(link.source)} is not a node; kept as an unknown order dependency`);
    else if (s === t) notes.push(`task_links[${j}]: ${step.id} is linked to itself`);
    step.after = [...new Set([...(step.after ?? []), dep])];
  });
}

function sinkOutputs(steps: readonly Step[]): Record<string, Binding> {
  const used = new Set<string>();
  for (const s of steps) {
    for (const b of Object.values(s.inputs)) if (b.kind === "step" && b.step !== s.id) used.add(b.step);
    for (const a of s.after ?? []) if (a !== s.id) used.add(a);
  }
  const outputs: Record<string, Binding> = {};
  for (const s of steps) if (!used.has(s.id) && !(s.id in outputs)) outputs[s.id] = { kind: "step", step: s.id };
  return outputs;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a string";
  if (v === undefined) return "missing";
  return `a ${typeof v}`;
}
