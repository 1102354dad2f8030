/**
 * Who the current request acts as, for the rows it writes (Plan.createdBy, PlanVersion.createdBy,
 * Run.startedBy). The route and action wrappers (lib/server/route) set it around the lib function
 * they call; the stores read it when they create a row, so no save path can forget it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const KEY = Symbol.for("trellis.acting");
type Holder = { [KEY]?: AsyncLocalStorage<string> };
// One store per process even when a bundle holds two copies of this module.
const storage = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<string>());

export function actingAs<T>(label: string, fn: () => T): T {
  return storage.run(label, fn);
}

/** The acting label, or null outside a request (an engine resuming runs, a test on the store). */
export function actingLabel(): string | null {
  return storage.getStore() ?? null;
}
