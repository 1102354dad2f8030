/**
 * A catalog is the set of actions a planning or run request may use. `Catalog` holds
 * serializable specs (what the validator, prompt and palette need); `ActionRegistry`
 * adds the run functions on the server.
 */
import type { Action, ActionSpec } from "./action";

export interface CatalogView {
  /** the newest version of an action, or the given version */
  get(id: string, version?: number): ActionSpec | undefined;
  list(): readonly ActionSpec[];
}

export class Catalog implements CatalogView {
  private readonly byId = new Map<string, ActionSpec[]>();
  private readonly all: ActionSpec[];

  constructor(specs: Iterable<ActionSpec>) {
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

  /** Actions of the given flows plus global ones (actions with no flow). No flows: everything. */
  forFlows(flows: readonly string[] | undefined): Catalog {
    if (!flows || flows.length === 0) return this;
    return new Catalog(this.allVersions().filter((s) => isInFlows(s, flows)));
  }

  allVersions(): ActionSpec[] {
    return [...this.byId.values()].flat();
  }

  toJSON(): ActionSpec[] {
    return this.allVersions();
  }

  merge(other: Catalog): Catalog {
    return new Catalog([...this.allVersions(), ...other.allVersions()]);
  }
}

export function isInFlows(spec: ActionSpec, flows: readonly string[] | undefined): boolean {
  if (!flows || flows.length === 0 || spec.flows.length === 0) return true;
  return spec.flows.some((f) => flows.includes(f));
}

/** Server-side registry: specs plus run functions. */
export class ActionRegistry {
  private readonly actions = new Map<string, Action>();
  readonly catalog: Catalog;

  constructor(actions: Iterable<Action>) {
    const list = [...actions];
    for (const a of list) this.actions.set(`${a.id}@${a.version}`, a);
    this.catalog = new Catalog(list.map((a) => a.spec));
  }

  get(ref: string, version?: number): Action | undefined {
    const spec = this.catalog.get(ref, version);
    return spec ? this.actions.get(`${spec.id}@${spec.version}`) : undefined;
  }

  list(): Action[] {
    return [...this.actions.values()];
  }
}
