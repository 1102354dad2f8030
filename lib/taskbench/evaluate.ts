/**
 * The TaskBench evaluation: per set, how many gold graphs are valid Trellis plans, and per
 * predictions file, how many predicted graphs are valid plans and how they score on the
 * published metrics. `evaluateFolder` yields one JSON-ready object per line of the report;
 * the parts (`checkGraph`, `scoreById`) are exported for later evaluations (repair, planner)
 * that produce plans: turn them back into graphs with planToGraph and score them the same way.
 */
import { countByCode, type ValidationIssue } from "../core/issues";
import { validatePlan } from "../core/validate-plan";
import type { Plan } from "../core/plan";
import { catalogFromToolDesc, type TaskBenchCatalog } from "./catalog-from-tool-desc";
import { graphToPlan } from "./graph-to-plan";
import { listSets, loadSet, type PredictionFile, type TaskBenchSet } from "./load-set";
import { metricToolsFromDesc, percent, scoreGraphs, type MetricTools } from "./metrics";
import { graphOf, isRecord, type GoldRecord } from "./types";

export interface GraphCheck {
  plan: Plan;
  notes: string[];
  issues: ValidationIssue[];
  valid: boolean;
}

/** A task graph converted to a plan and validated against the set's catalog. */
export function checkGraph(graph: unknown, cat: TaskBenchCatalog, goal = ""): GraphCheck {
  const { plan, notes } = graphToPlan(graphOf(graph), cat, { goal });
  const result = validatePlan(plan, cat.catalog);
  return { plan, notes, issues: result.issues, valid: result.valid };
}

function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function addCounts(into: Record<string, number>, more: Record<string, number>) {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}

export interface GoldValidityLine {
  eval: "gold-validity";
  set: string;
  records: number;
  valid: number;
  /** error-severity issues by code */
  issues: Record<string, number>;
  /** records whose conversion noted something odd */
  with_notes: number;
}

export function evaluateGold(set: TaskBenchSet, cat: TaskBenchCatalog): GoldValidityLine {
  let valid = 0;
  let withNotes = 0;
  const issues: Record<string, number> = {};
  for (const record of set.gold) {
    const check = checkGraph(record, cat, typeof record.instruction === "string" ? record.instruction : "");
    if (check.valid) valid++;
    if (check.notes.length) withNotes++;
    addCounts(issues, countByCode(check.issues));
  }
  return { eval: "gold-validity", set: set.name, records: set.gold.length, valid, issues: sortedCounts(issues), with_notes: withNotes };
}

export interface MetricLine {
  matched: number;
  /** percentages with 2 decimals */
  n_f1: number;
  e_f1: number;
  t_f1: number;
  v_f1: number;
}

/**
 * Scores predicted graphs against the gold records that share their id (the last record wins
 * when an id repeats, as in evaluate.py). Predictions without a gold record are not scored.
 */
export function scoreById(gold: Iterable<GoldRecord>, predictions: ReadonlyMap<string, unknown>, tools: MetricTools): MetricLine {
  const goldById = new Map<string, GoldRecord>();
  for (const g of gold) goldById.set(g.id, g);
  const pairs: { gold: unknown; pred: unknown }[] = [];
  for (const [id, pred] of predictions) {
    const g = goldById.get(id);
    if (g) pairs.push({ gold: g, pred });
  }
  const s = scoreGraphs(pairs, tools);
  return { matched: s.samples, n_f1: percent(s.n_f1), e_f1: percent(s.e_f1), t_f1: percent(s.t_f1), v_f1: percent(s.v_f1) };
}

export interface PredictionsLine extends MetricLine {
  eval: "predictions";
  set: string;
  model: string;
  records: number;
  invalid: number;
  issues: Record<string, number>;
}

export function evaluatePredictions(set: TaskBenchSet, file: PredictionFile, cat: TaskBenchCatalog, tools: MetricTools): PredictionsLine {
  let invalid = 0;
  const issues: Record<string, number> = {};
  const byId = new Map<string, unknown>();
  for (const record of file.records) {
    const check = checkGraph(record.result, cat, typeof record.user_request === "string" ? record.user_request : "");
    if (!check.valid) invalid++;
    addCounts(issues, countByCode(check.issues));
    byId.set(record.id, isRecord(record.result) ? record.result : {});
  }
  const metrics = scoreById(set.gold, byId, tools);
  return { eval: "predictions", set: set.name, model: file.model, records: file.records.length, invalid, issues: sortedCounts(issues), ...metrics };
}

export interface EvaluateOptions {
  /** diagnostics (parse errors and the like); stderr in the script */
  log?: (message: string) => void;
}

export async function* evaluateFolder(dataDir: string, options: EvaluateOptions = {}): AsyncGenerator<GoldValidityLine | PredictionsLine> {
  const log = options.log ?? (() => {});
  const sets = await listSets(dataDir);
  if (!sets.length) log(`no TaskBench sets (subfolders with tool_desc.json) in ${dataDir}`);
  for (const name of sets) {
    const set = await loadSet(dataDir, name);
    for (const e of set.goldErrors) log(`${name}/gold.jsonl ${e}`);
    const cat = catalogFromToolDesc(name, set.toolDesc);
    const tools = metricToolsFromDesc(set.toolDesc);
    yield evaluateGold(set, cat);
    for (const file of set.predictions) {
      for (const e of file.errors) log(`${file.file} ${e}`);
      yield evaluatePredictions(set, file, cat, tools);
    }
  }
}
