/** Every server of the MCP configuration, as one source of actions that changes over time. */
import type { Action } from "../../core/action";
import type { CatalogSource } from "../../core/catalog";
import type { McpConfig } from "./config";
import { McpServerConnection, type McpConnectionOptions } from "./connection";

export class McpServers {
  readonly connections: McpServerConnection[];
  private readonly listeners = new Set<() => void>();

  constructor(config: McpConfig, options: Omit<McpConnectionOptions, "onChange"> = {}) {
    this.connections = Object.entries(config.mcpServers).map(([name, server]) => new McpServerConnection(name, server, { ...options, onChange: () => this.changed() }));
  }

  /**
   * Connects every server at once and waits for each first attempt, at most `waitMs`: a server
   * that is slower is still connecting (its actions appear when it is up), one that fails is
   * unavailable and retried with backoff. Never rejects.
   */
  async start(waitMs = 20_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); timer.unref?.(); });
    await Promise.race([Promise.all(this.connections.map((c) => c.start())), waited]);
    clearTimeout(timer);
  }

  actions(): Action[] {
    return this.connections.flatMap((c) => c.actions());
  }

  sources(): CatalogSource[] {
    return this.connections.map((c) => c.source());
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
