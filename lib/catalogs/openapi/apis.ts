/** Every HTTP API of the sources file, as one source of actions that changes over time (as McpServers). */
import type { Action } from "../../core/action";
import type { CatalogSource } from "../../core/catalog";
import type { ApisConfig } from "./config";
import { createApiSource, type ApiSource, type ApiSourceOptions } from "./source";

export class ApiSources {
  readonly apis: ApiSource[];
  private readonly listeners = new Set<() => void>();

  /** `values`: what `${NAME}` references resolve to (the environment). */
  constructor(config: ApisConfig, values: Readonly<Record<string, string | undefined>>, options: Omit<ApiSourceOptions, "onChange">) {
    this.apis = Object.entries(config).map(([name, entry]) => createApiSource(name, entry, values, { ...options, onChange: () => this.changed() }));
  }

  /** Loads every document at once and waits for each first attempt, at most `waitMs`. Never rejects. */
  async start(waitMs = 20_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); timer.unref?.(); });
    await Promise.race([Promise.all(this.apis.map((a) => a.start())), waited]);
    clearTimeout(timer);
  }

  actions(): Action[] {
    return this.apis.flatMap((a) => a.actions());
  }

  sources(): CatalogSource[] {
    return this.apis.map((a) => a.source());
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await Promise.all(this.apis.map((a) => a.close()));
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
