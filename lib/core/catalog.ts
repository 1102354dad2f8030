/**
 * A catalog is the set of actions a planning or run request may use. `Catalog` holds
 * serializable specs (what the validator, prompt and palette need); `ActionRegistry`
 * adds the run functions on the server.
 */
import { z } from "zod";
import type { Action, ActionSpec } from "./action";

/**
 * Where a catalog's actions come from (the built-in actions, an MCP server, a tool catalog) and
 * whether that source works now. An MCP server's actions are named `<server>.<tool>`: `prefix`.
 */
export const CatalogSource = z.object({
  id: z.string(),
  kind: z.enum(["builtin", "mcp", "taskbench", "openapi", "plans"]),
  /** ok: its actions can run; connecting: not yet known; unavailable: down, with the reason */
  status: z.enum(["ok", "connecting", "unavailable"]),
  reason: z.string().optional(),
  /** what it is, for people: a command line or a URL (never credentials) */
  detail: z.string().optional(),
  actions: z.number().int().min(0),
  /** the id prefix of its actions (`everything.`), when they share one */
  prefix: z.string().optional(),
  /** what was left out of it and why (an HTTP API's operations Trellis cannot call), for people */
  notes: z.array(z.string()).optional(),
});
export type CatalogSource = z.infer<typeof CatalogSource>;

export interface CatalogView {
  /** the newest version of an action, or the given version */
  get(id: string, version?: number): ActionSpec | undefined;
  list(): readonly ActionSpec[];
  /** the source whose actions the id would name (its prefix), known or not */
  sourceOf?(actionId: string): CatalogSource | undefined;
}

export class Catalog implements CatalogView {
  private readonly byId = new Map<string, ActionSpec[]>();
  private readonly all: ActionSpec[];
  readonly sources: readonly CatalogSource[];

  constructor(specs: Iterable<ActionSpec>, sources: readonly CatalogSource[] = []) {
    this.sources = sources;
    for (const spec of specs) {
      const list = this.byId.get(spec.id) ?? [];
      if (list.some((s) => s.version === spec.version)) {
        throw new Error(`action ${spec.id}@${spec.version} is registered twice`);
      }
      list.push(spec);
      list.sort((a, b) => b.version - a.version);
      this.byId.set(spec.id, list);
    }
    this.all = [...this.byId.values()].map((versions) => versions[0]);
    this.all.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Parses `id` or `id@version`. */
  get(ref: string, version?: number): ActionSpec | undefined {
    const at = ref.lastIndexOf("@");
    let id = ref;
    if (version === undefined && at > 0 && /^\d+$/.test(ref.slice(at + 1))) {
      id = ref.slice(0, at);
      version = Number(ref.slice(at + 1));
    }
    const list = this.byId.get(id);
    if (!list) return undefined;
    return version === undefined ? list[0] : list.find((s) => s.version === version);
  }

  sourceOf(actionId: string): CatalogSource | undefined {
    return this.sources.find((s) => s.prefix !== undefined && actionId.startsWith(s.prefix));
  }

  has(ref: string): boolean {
    return this.get(ref) !== undefined;
  }

  /** Newest version of each action. */
  list(): readonly ActionSpec[] {
    return this.all;
  }

  versions(id: string): readonly ActionSpec[] {
    return this.byId.get(id) ?? [];
  }

  /** Every flow named by an action, sorted. */
  flows(): string[] {
    const set = new Set<string>();
    for (const s of this.all) for (const f of s.flows) set.add(f);
    return [...set].sort();
  }

  /** The catalog without the actions of `flow`. */
  withoutFlow(flow: string): Catalog {
    return new Catalog(this.allVersions().filter((s) => !s.flows.includes(flow)), this.sources);
  }

  /** Actions of the given flows plus global ones (actions with no flow). No flows: everything. */
  forFlows(flows: readonly string[] | undefined): Catalog {
    if (!flows || flows.length === 0) return this;
    return new Catalog(this.allVersions().filter((s) => isInFlows(s, flows)), this.sources);
  }

  allVersions(): ActionSpec[] {
    return [...this.byId.values()].flat();
  }

  toJSON(): ActionSpec[] {
    return this.allVersions();
  }

  merge(other: Catalog): Catalog {
    return new Catalog([...this.allVersions(), ...other.allVersions()], [...this.sources, ...other.sources]);
  }
}

/** What the engine needs of a registry: the run function of an action, and the catalog now. */
export interface ActionLookup {
  get(ref: string, version?: number): Action | undefined;
  readonly catalog: Catalog;
}

/** The flow of saved plans used as actions (`plan.<slug>`). */
export const PLANS_FLOW = "plans";

export function isInFlows(spec: ActionSpec, flows: readonly string[] | undefined): boolean {
  if (!flows || flows.length === 0 || spec.flows.length === 0) return true;
  return spec.flows.some((f) => flows.includes(f));
}

/** Server-side registry: specs plus run functions. */
export class ActionRegistry implements ActionLookup {
  private readonly actions = new Map<string, Action>();
  readonly catalog: Catalog;

  constructor(actions: Iterable<Action>, sources: readonly CatalogSource[] = []) {
    const list = [...actions];
    for (const a of list) this.actions.set(`${a.id}@${a.version}`, a);
    this.catalog = new Catalog(list.map((a) => a.spec), sources);
  }

  get(ref: string, version?: number): Action | undefined {
    const spec = this.catalog.get(ref, version);
    return spec ? this.actions.get(`${spec.id}@${spec.version}`) : undefined;
  }

  list(): Action[] {
    return [...this.actions.values()];
  }
}
