/**
 * Core benchmarks, one JSON object a line.
 *   {"bench":"validate","steps":1000,"ms":<median>}   target: at most 20 ms
 *   {"bench":"plan-overhead","actions":100,"ms":<median>}   target: at most 10 ms
 *     (planning without the LLM's time: retrieve actions, build the prompt and schema, then
 *     read, convert, validate and repair an answer)
 */
import { performance } from "node:perf_hooks";
import { Catalog, validatePlan } from "../lib/core";
import { median, syntheticActions, syntheticPlan } from "../lib/bench/synthetic";
import { extractJson } from "../lib/llm/extract-json";
import { buildPlanPrompt } from "../lib/planner/prompt";
import { checkClaims } from "../lib/planner/coverage";
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
  const overhead = () => {
    const actions = retrieveActions(catalog.list(), { text: goal, limit: 24 });
    const prompt = buildPlanPrompt({ goal, actions, given: { sortBy: ["region"] }, maxSteps: 20 });
    const schema = wirePlanJsonSchema(actions.map((a) => a.id));
    const found = extractJson(answer);
    const read = found.ok ? readAnswer(found.value, catalog) : undefined;
    if (!read?.ok) throw new Error("benchmark answer is not a plan");
    const plan = wireToPlan(read.wire, { goal, flows: [], catalog, given: { sortBy: ["region"] } });
    const result = repairPlan(plan, catalog);
    // What the plan covers of the goal, checked as an answer's claims are.
    const coverage = checkClaims(goal, read.wire.coverage, result.plan, catalog);
    return prompt.prompt.length + JSON.stringify(schema).length + result.issues.length + coverage.parts.length;
  };
  const first = performance.now();
  overhead();
  const coldMs = performance.now() - first;
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    overhead();
    times.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ bench: "plan-overhead", actions: catalog.list().length, ms: round(median(times)), p95_ms: round(times.sort((a, b) => a - b)[Math.floor(times.length * 0.95)]), cold_ms: round(coldMs), runs: times.length }));
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}
