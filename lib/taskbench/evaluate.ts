/**
 * The TaskBench evaluation: per set, how many gold graphs are valid Trellis plans; per
 * predictions file, how many predicted graphs are valid plans and how they score on the
 * published metrics, and the same after deterministic repair (no LLM call); and how the
 * offline planner scores on the set's gold requests. `evaluateFolder` yields one JSON-ready object per line of the report;
 * the parts (`checkGraph`, `scoreById`) are exported for later evaluations (repair, planner)
 * that produce plans: turn them back into graphs with planToGraph and score them the same way.
 */
import { countByCode, type ValidationIssue } from "../core/issues";
import { validatePlan } from "../core/validate-plan";
import type { Plan } from "../core/plan";
import { catalogFromToolDesc, type TaskBenchCatalog } from "../catalogs/tool-desc";
import type { RememberedPlan } from "../planner/memory/remembered-plan";
import { planGoal } from "../planner/plan-goal";
import { repairPlan } from "../planner/repair/repair-plan";
import { graphToPlan } from "./graph-to-plan";
import { planToGraph } from "./plan-to-graph";
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

export interface RepairLine {
  eval: "repair";
  set: string;
  model: string;
  records: number;
  invalid_before: number;
  invalid_after: number;
  /** e-F1 (percent) of the predictions as written and after deterministic repair */
  e_f1_before: number;
  e_f1_after: number;
}

/** Deterministic repair of real LLM predictions (no LLM call): validity and e-F1 before and after. */
export function evaluateRepair(set: TaskBenchSet, file: PredictionFile, cat: TaskBenchCatalog, tools: MetricTools): RepairLine {
  let before = 0;
  let after = 0;
  const original = new Map<string, unknown>();
  const repaired = new Map<string, unknown>();
  for (const record of file.records) {
    const check = checkGraph(record.result, cat, typeof record.user_request === "string" ? record.user_request : "");
    if (!check.valid) before++;
    const fixed = repairPlan(check.plan, cat.catalog);
    if (!fixed.valid) after++;
    original.set(record.id, isRecord(record.result) ? record.result : {});
    repaired.set(record.id, planToGraph(fixed.plan, cat));
  }
  return {
    eval: "repair",
    set: set.name,
    model: file.model,
    records: file.records.length,
    invalid_before: before,
    invalid_after: after,
    e_f1_before: scoreById(set.gold, original, tools).e_f1,
    e_f1_after: scoreById(set.gold, repaired, tools).e_f1,
  };
}

export interface OfflinePlannerLine {
  eval: "offline-planner";
  set: string;
  /** "held-out": only the half of the set that --split-memory plans */
  split?: "held-out";
  /** with split: the half remembered by the memory-planner line this one compares with */
  remembered_half?: 0 | 1;
  records: number;
  valid: number;
  n_f1: number;
  e_f1: number;
  t_f1: number;
  v_f1: number;
}

/** The offline planner on each gold request, scored against the gold graph. */
export async function evaluateOfflinePlanner(set: TaskBenchSet, cat: TaskBenchCatalog, tools: MetricTools): Promise<OfflinePlannerLine> {
  let valid = 0;
  const planned = new Map<string, unknown>();
  for (const record of set.gold) {
    const goal = typeof record.instruction === "string" && record.instruction.trim() ? record.instruction : "(no request)";
    const result = await planGoal({ goal, flows: [cat.set], planner: "offline" }, { catalog: cat.catalog });
    if (result.valid) valid++;
    planned.set(record.id, planToGraph(result.plan, cat));
  }
  const m = scoreById(set.gold, planned, tools);
  return { eval: "offline-planner", set: set.name, records: set.gold.length, valid, n_f1: m.n_f1, e_f1: m.e_f1, t_f1: m.t_f1, v_f1: m.v_f1 };
}

export interface MemoryPlannerLine {
  eval: "memory-planner";
  set: string;
  records: number;
  /** remembered plans available (the memory set's valid gold plans) */
  memory: number;
  /** plans that started from a remembered plan */
  adapted: number;
  /** plans in which remembered plans made a choice (an action, or no step for a scene-setting sentence) the catalog's words alone would not have made */
  informed: number;
  /** --split-memory: the half remembered (the other half is planned) */
  remembered_half?: 0 | 1;
  valid: number;
  n_f1: number;
  e_f1: number;
  t_f1: number;
  v_f1: number;
}

/** A set's gold plans as remembered plans: each valid gold graph with its request, as if it had run well. */
export function goldMemory(set: TaskBenchSet, cat: TaskBenchCatalog): RememberedPlan[] {
  const out: RememberedPlan[] = [];
  for (const record of set.gold) {
    const goal = typeof record.instruction === "string" ? record.instruction.trim() : "";
    if (!goal) continue;
    const check = checkGraph(record, cat, goal);
    if (check.valid) out.push({ id: `version:taskbench-${record.id.replace(/[^A-Za-z0-9_.-]/g, "_")}`, goal, plan: check.plan, origin: "run" });
  }
  return out;
}

/** The offline planner with plan memory on the given gold requests (with `memory: []`, the offline planner alone). */
export async function evaluateMemoryPlanner(set: TaskBenchSet, records: readonly GoldRecord[], memory: readonly RememberedPlan[], cat: TaskBenchCatalog, tools: MetricTools): Promise<MemoryPlannerLine> {
  let valid = 0;
  let adapted = 0;
  let informed = 0;
  const planned = new Map<string, unknown>();
  for (const record of records) {
    const goal = typeof record.instruction === "string" && record.instruction.trim() ? record.instruction : "(no request)";
    const result = await planGoal({ goal, flows: [cat.set], planner: "offline" }, { catalog: cat.catalog, memory });
    if (result.valid) valid++;
    if (result.memory?.startedFrom) adapted++;
    else if (result.memory?.chose?.length) informed++;
    planned.set(record.id, planToGraph(result.plan, cat));
  }
  const m = scoreById(records, planned, tools);
  return { eval: "memory-planner", set: set.name, records: records.length, memory: memory.length, adapted, informed, valid, n_f1: m.n_f1, e_f1: m.e_f1, t_f1: m.t_f1, v_f1: m.v_f1 };
}

/**
 * Which half of a sample a record falls in, by a hash of its id (FNV-1a), so the split does
 * not depend on the order of the file or on what the records say.
 */
export function memoryHalf(id: string): 0 | 1 {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h & 1) as 0 | 1;
}

export interface EvaluateOptions {
  /** diagnostics (parse errors and the like); stderr in the script */
  log?: (message: string) => void;
  /** a folder of sets whose gold plans are remembered (per set of the same name): adds memory-planner lines */
  memoryDir?: string;
  /**
   * Split each set by id (see memoryHalf): one half is the memory, the other is planned and
   * scored. `0`: remember half 0, plan half 1; `1`: the other way round; `true`: both, one pair
   * of lines each. Without memoryDir the memory is drawn from the data folder itself.
   */
  splitMemory?: boolean | 0 | 1;
}

export async function* evaluateFolder(dataDir: string, options: EvaluateOptions = {}): AsyncGenerator<GoldValidityLine | PredictionsLine | RepairLine | OfflinePlannerLine | MemoryPlannerLine> {
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
      yield evaluateRepair(set, file, cat, tools);
    }
    yield await evaluateOfflinePlanner(set, cat, tools);
    if (options.memoryDir || (options.splitMemory !== undefined && options.splitMemory !== false)) {
      const memorySets = options.memoryDir ? await listSets(options.memoryDir) : sets;
      if (!memorySets.includes(name)) {
        log(`no set ${name} in the memory folder ${options.memoryDir}; memory-planner skipped`);
        continue;
      }
      const memorySet = options.memoryDir ? await loadSet(options.memoryDir, name) : set;
      if (options.splitMemory === undefined || options.splitMemory === false) {
        yield await evaluateMemoryPlanner(set, set.gold, goldMemory(memorySet, cat), cat, tools);
        continue;
      }
      for (const half of options.splitMemory === true ? ([0, 1] as const) : [options.splitMemory]) {
        const remembered = goldMemory({ ...memorySet, gold: memorySet.gold.filter((g) => memoryHalf(g.id) === half) }, cat);
        const records = set.gold.filter((g) => memoryHalf(g.id) !== half);
        // The same records without memory, so the two lines compare like with like.
        const alone = await evaluateMemoryPlanner(set, records, [], cat, tools);
        yield { eval: "offline-planner", set: set.name, split: "held-out", remembered_half: half, records: alone.records, valid: alone.valid, n_f1: alone.n_f1, e_f1: alone.e_f1, t_f1: alone.t_f1, v_f1: alone.v_f1 };
        yield { ...(await evaluateMemoryPlanner(set, records, remembered, cat, tools)), remembered_half: half };
      }
    }
  }
}
