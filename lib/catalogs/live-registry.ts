/**
 * The registry Trellis runs with: fixed actions (built-in, tool catalogs) plus the actions of
 * MCP servers, which come and go as servers connect, stop and change their tools. The catalog
 * is rebuilt when they change; everything that reads `catalog` gets the current one.
 */
import type { Action, LogLevel } from "../core/action";
import { ActionRegistry, type ActionLookup, type Catalog, type CatalogSource } from "../core/catalog";
import type { McpServers } from "./mcp/servers";

/** A source of actions that changes over time (stored connections, the HTTP APIs of lib/catalogs/openapi, …). */
export interface ActionSource {
  actions(): Action[];
  sources(): CatalogSource[];
  onChange(listener: () => void): () => void;
}

export class LiveRegistry implements ActionLookup {
  private current?: ActionRegistry;
  private readonly fixedIds: Set<string>;
  private readonly warned = new Set<string>();
  private readonly extra: ActionSource[] = [];

  constructor(
    private readonly fixed: readonly Action[],
    private readonly fixedSources: readonly CatalogSource[],
    private readonly mcp?: McpServers,
    private readonly log?: (level: LogLevel, message: string) => void,
    others: readonly ActionSource[] = [],
  ) {
    this.fixedIds = new Set(fixed.map((a) => a.id));
    mcp?.onChange(() => { this.current = undefined; });
    for (const o of others) this.addSource(o);
  }

  /** Adds a source whose actions join the catalog now and follow its changes. */
  addSource(source: ActionSource): void {
    this.extra.push(source);
    source.onChange(() => { this.current = undefined; });
    this.current = undefined;
  }

  /** The flows of the fixed actions and the ids of every source but `except`: names a new source may not take. */
  takenNames(except?: ActionSource): Set<string> {
    const names = new Set<string>(["global"]);
    for (const a of this.fixed) for (const f of a.spec.flows) names.add(f);
    for (const s of this.fixedSources) names.add(s.id);
    for (const s of this.mcp?.sources() ?? []) names.add(s.id);
    for (const source of this.extra) if (source !== except) for (const s of source.sources()) names.add(s.id);
    return names;
  }

  get catalog(): Catalog {
    return this.registry().catalog;
  }

  get(ref: string, version?: number): Action | undefined {
    return this.registry().get(ref, version);
  }

  private registry(): ActionRegistry {
    if (!this.current) {
      // A server's tool may not shadow an action Trellis already has: it is left out, once said.
      const taken = new Set(this.fixedIds);
      // Several versions of one action may come from the one source that has it (a saved plan's versions).
      const versions = new Map<string, { source?: string; versions: Set<number> }>();
      const dynamic = [...(this.mcp?.actions() ?? []), ...this.extra.flatMap((o) => o.actions())].filter((a) => {
        const own = versions.get(a.id);
        if (own && own.source === a.spec.source && !own.versions.has(a.version)) { own.versions.add(a.version); return true; }
        if (!taken.has(a.id)) { taken.add(a.id); versions.set(a.id, { source: a.spec.source, versions: new Set([a.version]) }); return true; }
        if (!this.warned.has(a.id)) { this.warned.add(a.id); this.log?.("warn", `the ${a.spec.source?.startsWith("openapi:") ? "API operation" : "MCP tool"} ${a.id} is left out: an action of that id already exists.`); }
        return false;
      });
      this.current = new ActionRegistry([...this.fixed, ...dynamic], [...this.fixedSources, ...(this.mcp?.sources() ?? []), ...this.extra.flatMap((o) => o.sources())]);
    }
    return this.current;
  }
}
