/** Every HTTP API of the sources file, as one source of actions that changes over time (as McpServers). */
import type { Action } from "../../core/action";
import type { CatalogSource } from "../../core/catalog";
import type { ApiConfig, ApisConfig } from "./config";
import { createApiSource, type ApiSource, type ApiSourceOptions } from "./source";

export class ApiSources {
  apis: ApiSource[];
  private readonly listeners = new Set<() => void>();

  /** `values`: what `${NAME}` references resolve to (the environment). */
  constructor(config: ApisConfig, values: Readonly<Record<string, string | undefined>>, private readonly options: Omit<ApiSourceOptions, "onChange">) {
    this.apis = Object.entries(config).map(([name, entry]) => createApiSource(name, entry, values, { ...options, onChange: () => this.changed() }));
  }

  /**
   * Adds an API at run time (a stored connection, `values` its decrypted secrets), replacing one
   * of the same name; resolves once its document's first load has succeeded or failed.
   */
  async add(name: string, entry: ApiConfig, values: Readonly<Record<string, string | undefined>>): Promise<ApiSource> {
    await this.remove(name);
    const api = createApiSource(name, entry, values, { ...this.options, onChange: () => this.changed() });
    this.apis = [...this.apis, api];
    this.changed();
    await api.start();
    return api;
  }

  /** Removes an API (its actions leave the catalog); false when there is none of that name. */
  async remove(name: string): Promise<boolean> {
    const api = this.apis.find((a) => a.name === name);
    if (!api) return false;
    this.apis = this.apis.filter((a) => a !== api);
    await api.close();
    this.changed();
    return true;
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
