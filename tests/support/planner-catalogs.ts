/** Catalogs for planner tests: the real built-in actions, and TaskBench sets from the shared sample. */
import { builtinActions } from "@/lib/actions";
import { ActionRegistry } from "@/lib/core/catalog";
import { catalogFromToolDesc, type TaskBenchCatalog } from "@/lib/catalogs/tool-desc";
import { readToolDesc } from "@/tests/support/taskbench-data";

let builtin: ActionRegistry | undefined;

export function builtinRegistry(): ActionRegistry {
  builtin ??= new ActionRegistry(builtinActions({ httpAllowHosts: ["*"] }));
  return builtin;
}

const sets = new Map<string, TaskBenchCatalog>();

export function taskbenchCatalog(set: string): TaskBenchCatalog {
  let cat = sets.get(set);
  if (!cat) {
    cat = catalogFromToolDesc(set, readToolDesc(set));
    sets.set(set, cat);
  }
  return cat;
}
