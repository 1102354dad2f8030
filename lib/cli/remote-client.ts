/**
 * The client for a running Trellis: REST for requests, SSE for planning progress and run
 * events (reconnecting with Last-Event-ID, so no event is missed or repeated).
 */
import { emptyPlan } from "../core/plan";
import { RunEvent, type ActionSpec, type PlanningEvent, type RunOutcome, type RunStatus } from "../core";
import type { PlanGoalRequest } from "../planner/request";
import { ApiRequestError, createClient, type CallOptions, type TrellisApi } from "../contract/client";
import type { AnswerOf } from "../contract/operation";
import type { OperationId, Operations } from "../contract/operations";
import { readPlanStream } from "../contract/plan-stream";
import { decodeSseJson, readSse } from "../contract/sse";
import { ApiError } from "./api-error";
import type { Decision, Planned, RunQuery, RunRequest, SaveTemplateRequest, TrellisClient } from "./client";
import { CliError, ExitCode, usageError } from "./exit-codes";

const RECONNECTS = 10;

export class RemoteClient implements TrellisClient {
  readonly where: string;
  private readonly base: string;
  private readonly api: TrellisApi;

  constructor(url: string, token?: string) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw usageError(`--server "${url}" is not a URL; give one such as http://localhost:3000.`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw usageError(`--server "${url}" is not an http(s) URL.`);
    this.base = parsed.toString().replace(/\/+$/, "");
    this.where = this.base;
    this.api = createClient({ baseUrl: this.base, token });
  }

  pageUrl(path: string): string {
    return `${this.base}${path}`;
  }

  runFolder(): undefined {
    return undefined;
  }

  /** Calls an operation through the typed client; errors keep their status and code, with the CLI's exit codes. */
  private async call<K extends OperationId>(id: K, options?: CallOptions<Operations[K]>): Promise<AnswerOf<Operations[K]>> {
    try {
      return await this.api.call(id, options);
    } catch (err) {
      throw this.cliError(err);
    }
  }

  private cliError(err: unknown): unknown {
    if (!ApiRequestError.isInstance(err)) return err;
    if (err.code === "network") {
      const cause = (err.details as { cause?: string } | undefined)?.cause ?? err.message;
      return new CliError(ExitCode.unreachable, `Cannot reach Trellis at ${this.base} (${cause}). Is it running? Start it with \`npm start\`, or leave out --server to use the database directly.`);
    }
    if (err.status === 401) return new ApiError(err.status, err.code, `${err.message} Log in with: trellis login --server ${this.base} (or set TRELLIS_TOKEN).`, err.details);
    return new ApiError(err.status, err.code, err.message, err.details);
  }

  flows() {
    return this.call("listFlows");
  }

  async actions(flow?: string): Promise<ActionSpec[]> {
    if (flow) return (await this.call("getFlow", { params: { id: flow } })).actions;
    // A flow's actions include the global ones, so the union over flows is the whole catalog.
    const { flows } = await this.flows();
    const byId = new Map<string, ActionSpec>();
    for (const f of flows) for (const a of (await this.call("getFlow", { params: { id: f.id } })).actions) byId.set(a.id, a);
    return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async planGoal(request: PlanGoalRequest, onEvent: (e: PlanningEvent) => void): Promise<Planned> {
    let res: Response;
    try {
      res = await this.api.send("planGoalStream", { body: request });
    } catch (err) {
      throw this.cliError(err);
    }
    if (!res.body) throw new CliError(ExitCode.unreachable, `The planning stream from ${this.base} has no body.`);
    for await (const read of readPlanStream(res.body)) {
      if (!read.ok) continue;
      const c = read.chunk;
      if (c.type === "event") onEvent(c.event);
      else if (c.type === "error") throw new ApiError(c.code === "internal" ? 500 : 400, c.code, c.message);
      else {
        const extra = { coverage: c.coverage, ...(c.help ? { help: c.help } : {}) };
        // Nothing fits the goal: nothing was stored, so there is no plan to fetch.
        if (c.planId === null) return { planId: null, versionId: null, version: null, status: c.status, valid: false, plan: emptyPlan(request.goal, request.flows ?? []), issues: [], missingInputs: [], ...extra };
        const detail = await this.getPlan(c.planId);
        return { planId: c.planId, versionId: c.versionId, version: c.version, status: c.status, valid: c.valid, plan: detail.latest.plan, issues: detail.latest.issues, missingInputs: c.missingInputs, ...extra };
      }
    }
    throw new CliError(ExitCode.unreachable, `The planning stream from ${this.base} ended before the plan was ready.`);
  }

  importPlan(plan: unknown, note?: string) {
    return this.call("importPlan", { body: { plan, note } });
  }

  getPlan(planId: string) {
    return this.call("getPlan", { params: { id: planId } });
  }

  memory() {
    return this.call("listMemory", {});
  }

  async forgetMemory(id: string) {
    await this.call("forgetMemory", { params: { id } });
  }

  uploadFile(name: string, contentBase64: string) {
    return this.call("uploadFile", { body: { name, contentBase64 } });
  }

  startRun(planId: string, request: RunRequest) {
    return this.call("startRun", { params: { id: planId }, body: request });
  }

  run(runId: string) {
    return this.call("getRun", { params: { id: runId } });
  }

  runs(query: RunQuery) {
    return this.call("listRuns", { query: { status: query.status as RunStatus | undefined, outcome: query.outcome as RunOutcome | undefined, planId: query.planId, limit: query.limit } });
  }

  async *events(runId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    let last = afterSeq;
    let failures = 0;
    while (!signal.aborted) {
      let res: Response;
      try {
        res = await this.api.send("runEvents", { params: { id: runId }, headers: { accept: "text/event-stream", "last-event-id": String(last) }, signal });
      } catch (err) {
        if (signal.aborted) return;
        if (!ApiRequestError.isInstance(err) || err.code !== "network") throw this.cliError(err);
        if (++failures > RECONNECTS) throw new CliError(ExitCode.unreachable, `Lost the connection to ${this.base} while following run ${runId}: ${err.message}`);
        await sleep(Math.min(5000, 250 * 2 ** failures), signal);
        continue;
      }
      if (!res.body) throw new CliError(ExitCode.unreachable, `The event stream of run ${runId} from ${this.base} has no body.`);
      try {
        for await (const message of readSse(res.body)) {
          const parsed = decodeSseJson(message, RunEvent);
          if (!parsed.ok || parsed.value.seq <= last) continue;
          failures = 0;
          last = parsed.value.seq;
          yield parsed.value;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (++failures > RECONNECTS) throw new CliError(ExitCode.unreachable, `Lost the connection to ${this.base} while following run ${runId}: ${(err as Error).message}`);
      }
      // The stream ended (a server restart): pick up after the last event seen.
      if (!signal.aborted) await sleep(500, signal);
    }
  }

  async approve(runId: string, decision: Decision) {
    await this.call("approveStep", { params: { id: runId }, body: decision });
  }

  async reject(runId: string, decision: Decision) {
    await this.call("rejectStep", { params: { id: runId }, body: decision });
  }

  async cancel(runId: string) {
    await this.call("cancelRun", { params: { id: runId } });
  }

  retry(runId: string, options: { latest?: boolean }) {
    return this.call("retryRun", { params: { id: runId }, body: options });
  }

  templates() {
    return this.call("listTemplates");
  }

  template(id: string) {
    return this.call("getTemplate", { params: { id } });
  }

  instantiate(id: string, params: Record<string, unknown>, save: boolean) {
    return this.call("instantiateTemplate", { params: { id }, body: { params, save } });
  }

  saveTemplate(request: SaveTemplateRequest) {
    return this.call("saveTemplate", { body: request });
  }

  async deleteTemplate(id: string) {
    await this.call("deleteTemplate", { params: { id } });
  }

  async close() {}
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
