/**
 * Core benchmarks, one JSON object a line.
 *   {"bench":"validate","steps":1000,"ms":<median>}   target: at most 20 ms
 *   {"bench":"plan-overhead","actions":100,"ms":<median>}   target: at most 10 ms
 *     (planning without the LLM's time: retrieve actions, build the prompt and schema, then
 *     read, convert, validate and repair an answer)
 *   {"bench":"plan-overhead","actions":100,"remembered":1000,"ms":<median>}   target: at most 10 ms
 *     (the same with plan memory: recall the nearest of 1,000 remembered plans as the LLM's
 *     examples, and the offline path's adapt-and-revalidate of the nearest and its scoring of
 *     each clause against the actions' learned profiles; the goal index and the profiles are
 *     built once per memory list, their cold builds are index_ms and learn_ms)
 */
import { performance } from "node:perf_hooks";
import { Catalog, validatePlan } from "../lib/core";
import { median, syntheticActions, syntheticPlan } from "../lib/bench/synthetic";
import { extractJson } from "../lib/llm/extract-json";
import { buildPlanPrompt } from "../lib/planner/prompt";
import { checkClaims } from "../lib/planner/coverage";
import { goalIndex } from "../lib/planner/memory/goal-index";
import { actionEvidence } from "../lib/planner/memory/memory-model";
import { splitClauses } from "../lib/planner/offline/clauses";
import { extractLiterals } from "../lib/planner/offline/literals";
import { terms } from "../lib/planner/text/tokens";
import { EXAMPLES, EXAMPLE_SIMILARITY, recall, startFromMemory } from "../lib/planner/memory/recall";
import type { RememberedPlan } from "../lib/planner/memory/remembered-plan";
import { repairPlan } from "../lib/planner/repair/repair-plan";
import { retrieveActions } from "../lib/planner/retrieval";
import { planToWire, readAnswer, wirePlanJsonSchema, wireToPlan } from "../lib/planner/wire-plan";

const catalog = new Catalog(syntheticActions(100).map((a) => a.spec));

for (const steps of [100, 1000]) {
  const plan = syntheticPlan(catalog, steps);
  const first = performance.now();
  const check = validatePlan(plan, catalog);
  const coldMs = performance.now() - first;
  if (!check.valid) throw new Error(`benchmark plan is invalid: ${JSON.stringify(check.issues.slice(0, 3))}`);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    // A fresh copy each time, as the editor and the server validate plans they just parsed.
    const copy = structuredClone(plan);
    const t0 = performance.now();
    validatePlan(copy, catalog);
    times.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ bench: "validate", steps, ms: round(median(times)), p95_ms: round(times.sort((a, b) => a - b)[Math.floor(times.length * 0.95)]), cold_ms: round(coldMs), runs: times.length }));
}

{
  // An answer as a model would send it: a 12-step wire plan over the same catalog.
  const answer = JSON.stringify(planToWire(syntheticPlan(catalog, 12)));
  const goal = "Sort the sales table by region and revenue, keep the top rows and summarize the text of each";
  const memory = syntheticMemory(1000);
  const overhead = (remembered?: readonly RememberedPlan[]) => {
    const actions = retrieveActions(catalog.list(), { text: goal, limit: 24 });
    const examples = remembered ? recall(goal, remembered, catalog, EXAMPLES, EXAMPLE_SIMILARITY).map((r) => ({ goal: r.remembered.goal, plan: r.remembered.plan })) : [];
    const prompt = buildPlanPrompt({ goal, actions, given: { sortBy: ["region"] }, maxSteps: 20, examples });
    const schema = wirePlanJsonSchema(actions.map((a) => a.id));
    const found = extractJson(answer);
    const read = found.ok ? readAnswer(found.value, catalog) : undefined;
    if (!read?.ok) throw new Error("benchmark answer is not a plan");
    const plan = wireToPlan(read.wire, { goal, flows: [], catalog, given: { sortBy: ["region"] } });
    const result = repairPlan(plan, catalog);
    // What the plan covers of the goal, checked as an answer's claims are.
    const coverage = checkClaims(goal, read.wire.coverage, result.plan, catalog);
    const adapted = remembered ? startFromMemory(goal, remembered, catalog, { scratch: plan, flows: [], threshold: 0 }) : undefined;
    let learned = 0;
    if (remembered) {
      const evidence = actionEvidence(remembered, catalog.list());
      const ids = catalog.list().map((s) => s.id);
      for (const clause of splitClauses(goal, extractLiterals(goal))) learned += Math.max(...evidence.scoreTerms(terms(clause.words), ids).scores);
    }
    if (remembered && !examples.length) throw new Error("benchmark memory recalled nothing");
    return prompt.prompt.length + JSON.stringify(schema).length + result.issues.length + coverage.parts.length + (adapted?.plan.steps.length ?? 0) + learned;
  };
  for (const remembered of [undefined, memory]) {
    let indexMs: number | undefined;
    let learnMs: number | undefined;
    if (remembered) {
      const t0 = performance.now();
      goalIndex(remembered);
      indexMs = performance.now() - t0;
      const t1 = performance.now();
      actionEvidence(remembered, catalog.list());
      learnMs = performance.now() - t1;
    }
    const first = performance.now();
    overhead(remembered);
    const coldMs = performance.now() - first;
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      overhead(remembered);
      times.push(performance.now() - t0);
    }
    console.log(JSON.stringify({ bench: "plan-overhead", actions: catalog.list().length, ...(remembered ? { remembered: remembered.length } : {}), ms: round(median(times)), p95_ms: round(times.sort((a, b) => a - b)[Math.floor(times.length * 0.95)]), cold_ms: round(coldMs), ...(indexMs !== undefined ? { index_ms: round(indexMs) } : {}), ...(learnMs !== undefined ? { learn_ms: round(learnMs) } : {}), runs: times.length }));
  }
}

/** Remembered plans with goals of 8-16 words from a 400-word vocabulary (some of the benchmark goal's among them) and a file name. */
function syntheticMemory(count: number): RememberedPlan[] {
  let seed = 42;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const common = "sort sales table region revenue top rows summarize text each keep chart group filter join load report".split(" ");
  const vocabulary = [...common, ...Array.from({ length: 400 - common.length }, (_, i) => `term${i.toString(36)}word`)];
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 8 + Math.floor(next() * 9) }, () => vocabulary[Math.floor(next() * vocabulary.length)]);
    const goal = `${words.join(" ")} from data_${i}.csv`;
    return { id: `version:bench-${i}`, goal, plan: { ...syntheticPlan(catalog, 3 + (i % 6)), goal }, origin: "run" as const };
  });
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}
