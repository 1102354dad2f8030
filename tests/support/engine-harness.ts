/** A real engine on a real database (PGlite in memory, or a fresh PostgreSQL database). */
import os from "node:os";
import path from "node:path";
import { ActionRegistry, validatePlan, type Action, type Plan } from "../../lib/core";
import { Engine, type EngineOptions } from "../../lib/engine/engine";
import { InProcessEventBus } from "../../lib/engine/event-bus";
import { PrismaRunStore } from "../../lib/store/run-store";
import { createPlan, getVersion } from "../../lib/store/plans";
import type { Database } from "../../lib/store/database";
import { closeFirst } from "./databases";
import { MemoryPlanVersions, MemoryRunStore } from "./memory-run-store";

export interface Harness {
  engine: Engine;
  store: PrismaRunStore;
  registry: ActionRegistry;
  savePlan(plan: Plan): Promise<string>;
}

export function makeHarness(db: Database, actions: Action[], options: Partial<EngineOptions> = {}): Harness {
  const registry = new ActionRegistry(actions);
  const store = new PrismaRunStore(db.prisma, { exclusive: db.kind === "pglite" });
  const engine = new Engine({
    store,
    registry,
    bus: new InProcessEventBus(),
    versions: { getVersion: (id) => getVersion(db.prisma, id) },
    workspaceRoot: path.join(os.tmpdir(), "trellis-test-workspaces"),
    ...options,
  });
  closeFirst(db, () => engine.close());
  return {
    engine,
    store,
    registry,
    async savePlan(plan) {
      const { issues } = validatePlan(plan, registry.catalog);
      return (await createPlan(db.prisma, { plan, issues, source: "api" })).id;
    },
  };
}

export interface MemoryHarness {
  engine: Engine;
  store: MemoryRunStore;
  registry: ActionRegistry;
  /** saves the plan as a new plan (or, with `of`, as a newer version of the plan of that version) */
  savePlan(plan: Plan, of?: string): string;
}

/** A real engine on the in-memory store: what the engine costs by itself, without a database. */
export function makeMemoryHarness(actions: Action[], options: Partial<EngineOptions> = {}): MemoryHarness {
  const registry = new ActionRegistry(actions);
  const versions = new MemoryPlanVersions();
  const store = new MemoryRunStore(versions.planOf);
  const engine = new Engine({
    store,
    registry,
    bus: new InProcessEventBus(),
    versions,
    workspaceRoot: path.join(os.tmpdir(), "trellis-test-workspaces"),
    ...options,
  });
  return { engine, store, registry, savePlan: (plan, of) => (of ? versions.addVersion(of, plan) : versions.add(plan)) };
}
