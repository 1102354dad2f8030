/** The built-in actions as the server runs them: each step in a step worker (lib/engine/sandbox). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { builtinActions, type BuiltinOptions } from "../../lib/actions";
import { isolate } from "../../lib/engine/sandbox/isolate";
import { StepWorkerPool } from "../../lib/engine/sandbox/pool";
import type { Database } from "../../lib/store/database";
import { freshDatabase } from "./databases";
import { makeHarness, type Harness } from "./engine-harness";

const root = fileURLToPath(new URL("../..", import.meta.url));

export function builtinStepPool(options: BuiltinOptions = { httpAllowHosts: [] }, maxWorkers = 2): StepWorkerPool {
  return new StepWorkerPool({
    entry: path.join(root, "lib/engine/sandbox/worker-entry.mjs"),
    boot: { actionsModule: path.join(root, "lib/actions/index.ts"), exportName: "builtinActions", options },
    maxWorkers,
  });
}

export interface IsolatedHarness {
  db: Database;
  pool: StepWorkerPool;
  h: Harness;
  close(): Promise<void>;
}

/** An engine on a fresh embedded database whose built-in actions run in step workers. */
export async function isolatedHarness(options: BuiltinOptions = { httpAllowHosts: [] }): Promise<IsolatedHarness> {
  const db = await freshDatabase("pglite");
  const pool = builtinStepPool(options);
  const h = makeHarness(db, isolate(builtinActions(options), pool));
  return {
    db,
    pool,
    h,
    async close() {
      await h.engine.close();
      pool.close();
      await db.close();
    },
  };
}

/** For a describe block: an isolated harness opened before its tests and closed after them. */
export function isolatedHarnessForSuite(options?: BuiltinOptions): { readonly h: Harness; readonly pool: StepWorkerPool } {
  let t: IsolatedHarness | undefined;
  beforeAll(async () => { t = await isolatedHarness(options); });
  afterAll(async () => { await t?.close(); });
  const open = () => {
    if (!t) throw new Error("the isolated harness is opened in beforeAll");
    return t;
  };
  return { get h() { return open().h; }, get pool() { return open().pool; } };
}
