/**
 * The registry Trellis runs with: fixed actions (built-in, tool catalogs) plus the actions of
 * MCP servers, which come and go as servers connect, stop and change their tools. The catalog
 * is rebuilt when they change; everything that reads `catalog` gets the current one.
 */
import type { Action, LogLevel } from "../core/action";
import { ActionRegistry, type ActionLookup, type Catalog, type CatalogSource } from "../core/catalog";
import type { McpServers } from "./mcp/servers";

/** A source of actions that changes over time (saved plans as actions). */
export interface DynamicActionSource {
  actions(): Action[];
  sources(): CatalogSource[];
  onChange(listener: () => void): () => void;
}

export class LiveRegistry implements ActionLookup {
  private current?: ActionRegistry;
  private readonly fixedIds: Set<string>;
  private readonly warned = new Set<string>();

  constructor(
    private readonly fixed: readonly Action[],
    private readonly fixedSources: readonly CatalogSource[],
    private readonly mcp?: McpServers,
    private readonly log?: (level: LogLevel, message: string) => void,
    private readonly more: DynamicActionSource[] = [],
  ) {
    this.fixedIds = new Set(fixed.map((a) => a.id));
    mcp?.onChange(() => { this.current = undefined; });
    for (const source of more) source.onChange(() => { this.current = undefined; });
  }

  /** Adds a source of actions that changes over time (made after the registry: it may read the catalog). */
  addSource(source: DynamicActionSource): void {
    this.more.push(source);
    source.onChange(() => { this.current = undefined; });
    this.current = undefined;
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
      const dynamic = (this.mcp?.actions() ?? []).filter((a) => {
        if (!this.fixedIds.has(a.id)) return true;
        if (!this.warned.has(a.id)) { this.warned.add(a.id); this.log?.("warn", `the MCP tool ${a.id} is left out: an action of that id already exists.`); }
        return false;
      });
      const more = this.more.flatMap((s) => s.actions()).filter((a) => !this.fixedIds.has(a.id));
      this.current = new ActionRegistry([...this.fixed, ...dynamic, ...more], [...this.fixedSources, ...(this.mcp?.sources() ?? []), ...this.more.flatMap((s) => s.sources())]);
    }
    return this.current;
  }
}
