/**
 * Saved plans as a source of actions: every plan (not archived) whose versions declare inputs and
 * outputs is `plan.<slug>`, one action version per valid plan version. The slug is made from the
 * plan's title the first time the plan qualifies, and kept (stored on the plan). The set is read
 * from the database by `refresh()`, which the server calls at start and after plans change.
 */
import type { Action, LogLevel } from "../../core/action";
import type { CatalogSource, CatalogView } from "../../core/catalog";
import type { ActionSpec } from "../../core/action";
import { Plan } from "../../core/plan";
import type { ValidationIssue } from "../../core/issues";
import type { Db } from "../../store/database";
import { isActionablePlan, planAction, planActionId, slugFromTitle, slugOfActionRef, type PlanActionSource, type PlanRunner } from "./plan-action";

interface PlanEntry {
  planId: string;
  slug: string;
  title: string;
  latest: number;
  /** every version by number (also those that are not actions: cycles are looked for through all) */
  versions: Map<number, { id: string; plan: Plan; valid: boolean }>;
}

export class PlanActions {
  private entries = new Map<string, PlanEntry>();
  private slugByPlan = new Map<string, string>();
  private built: Action[] = [];
  private error?: string;
  private readonly listeners = new Set<() => void>();
  private runner?: PlanRunner;
  private refreshing?: Promise<void>;
  private again = false;

  constructor(
    private readonly db: Db,
    /** the catalog of every other action (a plan action's output and effect follow its steps' actions) */
    private readonly base: () => CatalogView,
    private readonly log?: (level: LogLevel, message: string) => void,
  ) {}

  /** The engine's side of running a child run; set once the engine exists. */
  setRunner(runner: PlanRunner): void {
    this.runner = runner;
  }

  actions(): Action[] {
    return this.built;
  }

  sources(): CatalogSource[] {
    const plans = new Set(this.built.map((a) => a.id)).size;
    return [{ id: "Plans", kind: "plans", status: this.error ? "unavailable" : "ok", ...(this.error ? { reason: this.error } : {}), actions: plans, prefix: "plan.", detail: "saved plans that declare inputs and outputs; each runs as a child run" }];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The slug of a plan, when it has one. */
  slugOf(planId: string): string | undefined {
    return this.slugByPlan.get(planId);
  }

  /** Reads the plans again (one refresh at a time; a call during one runs another after it). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          await this.load();
          this.error = undefined;
        } catch (err) {
          this.error = `the saved plans could not be read: ${(err as Error).message}`;
          this.log?.("error", this.error);
        }
        for (const l of this.listeners) l();
      } while (this.again);
    })().finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  /**
   * The plans a plan would call, directly or deeper, that lead back to itself: one issue per
   * step whose plan action starts a cycle, naming the cycle. `planId` is the plan being saved
   * (a plan not saved yet has no slug, so nothing can call it).
   */
  cycleIssues(plan: Plan, planId: string | undefined): ValidationIssue[] {
    const own = planId ? this.slugByPlan.get(planId) : undefined;
    if (!own) return [];
    const issues: ValidationIssue[] = [];
    for (const step of plan.steps) {
      const path = this.pathBack(step.action, own, [own], new Set());
      if (path) {
        const cycle = path.map((s) => planActionId(s)).join(" → ");
        issues.push({ code: "cycle", severity: "error", stepId: step.id, message: `plans call each other in a cycle: ${cycle}`, hint: "a plan may not use itself as a step, directly or through other plans" });
      }
    }
    return issues;
  }

  private pathBack(ref: string, target: string, path: string[], seen: Set<string>): string[] | undefined {
    const slug = slugOfActionRef(ref);
    if (!slug) return undefined;
    if (slug === target) return [...path, slug];
    if (seen.has(ref)) return undefined;
    seen.add(ref);
    const entry = this.entries.get(slug);
    if (!entry) return undefined;
    const pinned = /@(\d+)$/.exec(ref);
    const version = entry.versions.get(pinned ? Number(pinned[1]) : entry.latest);
    if (!version) return undefined;
    for (const s of version.plan.steps) {
      const found = this.pathBack(s.action, target, [...path, slug], seen);
      if (found) return found;
    }
    return undefined;
  }

  private async load(): Promise<void> {
    const plans = await this.db.plan.findMany({ where: { archivedAt: null }, select: { id: true, title: true, slug: true, latestVersionId: true } });
    const versions = await this.db.planVersion.findMany({ where: { plan: { archivedAt: null } }, select: { id: true, planId: true, number: true, body: true, valid: true } });
    const byPlan = new Map<string, Map<number, { id: string; plan: Plan; valid: boolean }>>();
    for (const v of versions) {
      const parsed = Plan.safeParse(v.body);
      if (!parsed.success) continue;
      const map = byPlan.get(v.planId) ?? new Map();
      map.set(v.number, { id: v.id, plan: parsed.data, valid: v.valid });
      byPlan.set(v.planId, map);
    }
    const taken = new Set(plans.map((p) => p.slug).filter((s): s is string => Boolean(s)));
    const entries = new Map<string, PlanEntry>();
    const slugByPlan = new Map<string, string>();
    for (const p of plans) {
      const mine = byPlan.get(p.id);
      if (!mine?.size) continue;
      const latestNumber = Math.max(...mine.keys());
      let slug = p.slug;
      if (!slug) {
        if (!isActionablePlan(mine.get(latestNumber)!.plan)) continue;
        const given = await this.giveSlug(p.id, p.title, taken);
        if (!given) continue;
        slug = given;
      }
      slugByPlan.set(p.id, slug);
      entries.set(slug, { planId: p.id, slug, title: p.title, latest: latestNumber, versions: mine });
    }
    this.entries = entries;
    this.slugByPlan = slugByPlan;
    this.built = this.build();
  }

  /** Stores a new unique slug for the plan; another process giving it one first wins. */
  private async giveSlug(planId: string, title: string, taken: Set<string>): Promise<string | undefined> {
    const base = slugFromTitle(title);
    for (let n = 1; n < 1000; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      if (taken.has(slug)) continue;
      try {
        const updated = await this.db.plan.updateMany({ where: { id: planId, slug: null }, data: { slug } });
        if (updated.count === 0) {
          const row = await this.db.plan.findUnique({ where: { id: planId }, select: { slug: true } });
          return row?.slug ?? undefined;
        }
        taken.add(slug);
        return slug;
      } catch {
        // taken meanwhile by another plan: try the next one
        taken.add(slug);
      }
    }
    return undefined;
  }

  /** Builds every plan action, each after the plan actions its steps use (outputs typed through them). */
  private build(): Action[] {
    const base = this.base();
    const done = new Map<string, Action>();
    const building = new Set<string>();
    const runner = () => this.runner;
    const sourceOf = (entry: PlanEntry, number: number): PlanActionSource => ({ planId: entry.planId, slug: entry.slug, title: entry.title, versionId: entry.versions.get(number)!.id, number, plan: entry.versions.get(number)!.plan });
    const actionable = (entry: PlanEntry, number: number) => {
      const v = entry.versions.get(number);
      return Boolean(v && v.valid && isActionablePlan(v.plan));
    };
    const make = (entry: PlanEntry, number: number): Action | undefined => {
      const key = `${entry.slug}@${number}`;
      if (done.has(key)) return done.get(key);
      if (building.has(key) || !actionable(entry, number)) return undefined;
      building.add(key);
      const action = planAction(sourceOf(entry, number), view, runner);
      building.delete(key);
      done.set(key, action);
      return action;
    };
    const newestActionable = (entry: PlanEntry) => [...entry.versions.keys()].filter((n) => actionable(entry, n)).sort((a, b) => b - a)[0];
    const view: CatalogView = {
      get: (ref: string, version?: number): ActionSpec | undefined => {
        const slug = slugOfActionRef(ref);
        if (!slug) return base.get(ref, version);
        const entry = this.entries.get(slug);
        if (!entry) return undefined;
        const pinned = /@(\d+)$/.exec(ref);
        const number = version ?? (pinned ? Number(pinned[1]) : newestActionable(entry));
        return number === undefined ? undefined : make(entry, number)?.spec;
      },
      list: () => base.list(),
    };
    for (const entry of this.entries.values()) for (const n of entry.versions.keys()) make(entry, n);
    return [...done.values()];
  }
}
