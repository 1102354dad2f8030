/**
 * Core benchmarks, one JSON object a line.
 *   {"bench":"validate","steps":1000,"ms":<median>}   target: at most 20 ms
 */
import { performance } from "node:perf_hooks";
import { Catalog, validatePlan } from "../lib/core";
import { median, syntheticActions, syntheticPlan } from "../lib/bench/synthetic";

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

function round(x: number) {
  return Math.round(x * 100) / 100;
}
