/**
 * TaskBench's published metrics (n-F1, e-F1, t-F1, v-F1), ported from `taskbench/evaluate.py`
 * of microsoft/JARVIS as the data README defines them. They work on TaskBench graphs, so they
 * score raw predictions and, through plan-to-graph, Trellis plans.
 *
 * Per sample, sets are built from the gold graph G and the prediction P; TP/FP/FN are pooled
 * over all samples; F1 = 2TP / (2TP + FP + FN), 0 when TP is 0.
 * - nodes: tool names; only names in the catalog count on either side (n-F1).
 * - links: (source tool, target tool) pairs. Media sets: from `<node-k>` references (a self
 *   reference adds nothing); dailylifeapis: from `task_links` (e-F1).
 * - `{tool}-{arg name}` (t-F1) and `{tool}-{arg name}-{value}` (v-F1). Media sets: a reference
 *   is named by the source tool's first output type as written in tool_desc (`"Image"` for Image
 *   Search, `"none"` for a tool with none, `"other"` for a tool not in the catalog) and valued by
 *   the source tool's name; a literal is named by its content type (image/audio/video by file
 *   extension, else text) and valued by itself. dailylifeapis: the `{name, value}` pairs.
 *
 * Details kept from evaluate.py: in media sets `_` in tool names reads as a space (the link
 * target keeps the name as written); an argument that is an object counts as its first value, a
 * list as its items joined by spaces; the first `<node-k>` in an argument decides it; a self
 * reference adds no argument either; the content type is a substring test on the extension
 * (`.jpg` anywhere in the text); values print as Python would (`True`, `None`, `{'a': 1}`).
 *
 * Where evaluate.py crashes on a sample and drops it (or reuses the previous argument), this
 * port reads it instead: a numeric argument is text; an `arguments` string is one argument, an
 * object its values, a missing one none; an out-of-range `<node-k>` or an unparseable
 * `<node-...>` is text; a prediction without task_nodes is an empty graph (all its gold counts
 * as missed). Sets are sets: duplicates within a sample count once, as in evaluate.py.
 */
import { dependencyTypeOf, graphOf, isRecord, type DependencyType, type ToolDesc } from "./types";

export interface MetricTools {
  dependency: DependencyType;
  /** the catalog's tool names */
  names: ReadonlySet<string>;
  /** tool name → first output type as written, "none" when the tool has none */
  outputTypeOf: ReadonlyMap<string, string>;
}

export function metricToolsFromDesc(toolDesc: unknown): MetricTools {
  const desc: ToolDesc = isRecord(toolDesc) && Array.isArray(toolDesc.nodes) ? (toolDesc as unknown as ToolDesc) : { nodes: [] };
  const names = new Set<string>();
  const outputTypeOf = new Map<string, string>();
  for (const n of desc.nodes) {
    if (!isRecord(n) || typeof n.id !== "string") continue;
    names.add(n.id);
    const out = Array.isArray(n["output-type"]) ? n["output-type"] : [];
    outputTypeOf.set(n.id, out.length ? String(out[0]) : "none");
  }
  return { dependency: dependencyTypeOf(desc), names, outputTypeOf };
}

export interface GraphFacts {
  nodes: Set<string>;
  /** JSON `[source, target]` */
  links: Set<string>;
  argNames: Set<string>;
  argValues: Set<string>;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface TaskBenchScores {
  samples: number;
  nodes: Counts;
  links: Counts;
  argNames: Counts;
  argValues: Counts;
  /** fractions in [0, 1] */
  n_f1: number;
  e_f1: number;
  t_f1: number;
  v_f1: number;
}

export function f1(c: Counts): number {
  return c.tp === 0 ? 0 : (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
}

/** A fraction as a percentage with 2 decimals, like the paper's tables. */
export function percent(x: number): number {
  return Math.round(x * 10000) / 100;
}

const EXTENSIONS: [string, string[]][] = [
  ["image", ["jpg", "png", "jpeg", "gif", "bmp", "tiff", "svg", "ico"]],
  ["audio", ["mp3", "wav", "wma", "ogg", "aac", "flac", "aiff", "au"]],
  ["video", ["mp4", "avi", "mov", "flv", "wmv", "mkv", "webm", "m4v", "mpg", "mpeg"]],
];

/** evaluate.py's get_content_type: extension substring tests in this order, else text. */
export function contentType(content: string): string {
  const c = content.replace(/^'+|'+$/g, "");
  for (const [kind, exts] of EXTENSIONS) if (exts.some((e) => c.includes(`.${e}`))) return kind;
  return "text";
}

/** How Python's str() prints a JSON value (the metric strings are Python f-strings). */
export function pyStr(v: unknown): string {
  return typeof v === "string" ? v : pyRepr(v);
}

function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  if (typeof v === "string") {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    const body = v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r");
    return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
  return String(v);
}

function argumentList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (raw === undefined || raw === null) return [];
  if (isRecord(raw)) return Object.values(raw);
  return [raw];
}

const linkKey = (source: string, target: string) => JSON.stringify([source, target]);

/** The four sets of one graph (a gold record, a prediction record or its `result`). */
export function graphFacts(graph: unknown, tools: MetricTools): GraphFacts {
  const g = graphOf(graph);
  const nodes = Array.isArray(g.task_nodes) ? g.task_nodes : [];
  const facts: GraphFacts = { nodes: new Set(), links: new Set(), argNames: new Set(), argValues: new Set() };
  const rawNames = nodes.map((n) => (isRecord(n) && n.task !== undefined && n.task !== null ? pyStr(n.task) : ""));
  const resource = tools.dependency === "resource";
  const names = resource ? rawNames.map((n) => n.replace(/_/g, " ")) : rawNames;
  for (const n of names) facts.nodes.add(n);
  const addArg = (task: string, name: string, value: string) => {
    facts.argNames.add(`${task}-${name}`);
    facts.argValues.add(`${task}-${name}-${value}`);
  };

  if (!resource) {
    const links = Array.isArray(g.task_links) ? g.task_links : [];
    for (const l of links) if (isRecord(l)) facts.links.add(linkKey(pyStr(l.source), pyStr(l.target)));
    nodes.forEach((node, i) => {
      if (!isRecord(node)) return;
      for (const arg of argumentList(node.arguments)) {
        if (isRecord(arg)) addArg(names[i], pyStr(arg.name), pyStr(arg.value));
      }
    });
    return facts;
  }

  nodes.forEach((node, i) => {
    if (!isRecord(node)) return;
    for (let arg of argumentList(node.arguments)) {
      if (isRecord(arg)) {
        const values = Object.values(arg);
        if (!values.length) continue;
        arg = values[0];
      }
      if (Array.isArray(arg)) arg = arg.map(pyStr).join(" ");
      const text = pyStr(arg);
      const ref = typeof arg === "string" ? /<node-(\d+)>/.exec(arg) : null;
      if (ref) {
        const k = Number(ref[1]);
        if (k === i) continue;
        if (k < names.length) {
          const source = names[k];
          facts.links.add(linkKey(source, rawNames[i]));
          addArg(names[i], tools.outputTypeOf.get(source) ?? "other", source);
          continue;
        }
      }
      addArg(names[i], contentType(text), text);
    }
  });
  return facts;
}

function count(gold: ReadonlySet<string>, pred: ReadonlySet<string>, c: Counts, keep: (s: string) => boolean = () => true) {
  for (const s of gold) if (keep(s)) { if (pred.has(s)) c.tp++; else c.fn++; }
  for (const s of pred) if (keep(s) && !gold.has(s)) c.fp++;
}

/** Pooled scores over samples; each pair is a gold graph and the prediction for the same id. */
export function scoreGraphs(pairs: Iterable<{ gold: unknown; pred: unknown }>, tools: MetricTools): TaskBenchScores {
  const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });
  const s = { samples: 0, nodes: zero(), links: zero(), argNames: zero(), argValues: zero() };
  const inCatalog = (name: string) => tools.names.has(name);
  for (const { gold, pred } of pairs) {
    const g = graphFacts(gold, tools);
    const p = graphFacts(pred, tools);
    s.samples++;
    count(g.nodes, p.nodes, s.nodes, inCatalog);
    count(g.links, p.links, s.links);
    count(g.argNames, p.argNames, s.argNames);
    count(g.argValues, p.argValues, s.argValues);
  }
  return { ...s, n_f1: f1(s.nodes), e_f1: f1(s.links), t_f1: f1(s.argNames), v_f1: f1(s.argValues) };
}
