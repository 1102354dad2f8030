/**
 * The client for a running Trellis: REST for requests, SSE for planning progress and run
 * events (reconnecting with Last-Event-ID, so no event is missed or repeated).
 */
import type { z } from "zod";
import { RunEvent, type ActionSpec, type PlanningEvent } from "../core";
import type { PlanGoalRequest } from "../planner/request";
import { PlanStreamChunk } from "../planner/stream";
import { FlowDetail, FlowList, ImportedPlan, Ok, PlanDetailJson, RunDetail, RunList, RunStarted } from "../server/openapi";
import { InstantiatedTemplate, TemplateDetail, TemplateList } from "../server/templates";
import { ApiError } from "./api-error";
import type { Decision, Planned, RunQuery, RunRequest, SaveTemplateRequest, TrellisClient } from "./client";
import { CliError, ExitCode, usageError } from "./exit-codes";
import { readSse } from "./sse";

const RECONNECTS = 10;

export class RemoteClient implements TrellisClient {
  readonly where: string;
  private readonly base: string;

  constructor(url: string) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw usageError(`--server "${url}" is not a URL; give one such as http://localhost:3000.`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw usageError(`--server "${url}" is not an http(s) URL.`);
    this.base = parsed.toString().replace(/\/+$/, "");
    this.where = this.base;
  }

  pageUrl(path: string): string {
    return `${this.base}${path}`;
  }

  runFolder(): undefined {
    return undefined;
  }

  private async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(ExitCode.unreachable, `Cannot reach Trellis at ${this.base} (${cause?.code ?? cause?.message ?? (err as Error).message}). Is it running? Start it with \`npm start\`, or leave out --server to use the database directly.`);
    }
  }

  private async request<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    const res = await this.send(method, path, body);
    if (!res.ok) throw await ApiError.fromResponse(res);
    const value: unknown = await res.json().catch(() => undefined);
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ApiError(res.status, "bad_response", `${method} ${path}: the server's answer does not match the API document: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  flows() {
    return this.request("GET", "/api/flows", FlowList);
  }

  async actions(flow?: string): Promise<ActionSpec[]> {
    if (flow) return (await this.request("GET", `/api/flows/${encodeURIComponent(flow)}`, FlowDetail)).actions;
    // A flow's actions include the global ones, so the union over flows is the whole catalog.
    const { flows } = await this.flows();
    const byId = new Map<string, ActionSpec>();
    for (const f of flows) for (const a of (await this.request("GET", `/api/flows/${encodeURIComponent(f.id)}`, FlowDetail)).actions) byId.set(a.id, a);
    return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async planGoal(request: PlanGoalRequest, onEvent: (e: PlanningEvent) => void): Promise<Planned> {
    const res = await this.send("POST", "/api/plans/stream", request);
    if (!res.ok || !res.body) throw await ApiError.fromResponse(res);
    for await (const message of readSse(res.body)) {
      let value: unknown;
      try {
        value = JSON.parse(message.data);
      } catch {
        continue;
      }
      const chunk = PlanStreamChunk.safeParse(value);
      if (!chunk.success) continue;
      const c = chunk.data;
      if (c.type === "event") onEvent(c.event);
      else if (c.type === "error") throw new ApiError(c.code === "internal" ? 500 : 400, c.code, c.message);
      else {
        const detail = await this.getPlan(c.planId);
        return { planId: c.planId, versionId: c.versionId, version: c.version, status: c.status, valid: c.valid, plan: detail.latest.plan, issues: detail.latest.issues, missingInputs: c.missingInputs };
      }
    }
    throw new CliError(ExitCode.unreachable, `The planning stream from ${this.base} ended before the plan was ready.`);
  }

  importPlan(plan: unknown, note?: string) {
    return this.request("POST", "/api/plans/import", ImportedPlan, { plan, note });
  }

  getPlan(planId: string) {
    return this.request("GET", `/api/plans/${encodeURIComponent(planId)}`, PlanDetailJson);
  }

  startRun(planId: string, request: RunRequest) {
    return this.request("POST", `/api/plans/${encodeURIComponent(planId)}/runs`, RunStarted, request);
  }

  run(runId: string) {
    return this.request("GET", `/api/runs/${encodeURIComponent(runId)}`, RunDetail);
  }

  runs(query: RunQuery) {
    const q = new URLSearchParams();
    if (query.status) q.set("status", query.status);
    if (query.planId) q.set("planId", query.planId);
    if (query.limit) q.set("limit", String(query.limit));
    return this.request("GET", `/api/runs${q.size ? `?${q}` : ""}`, RunList);
  }

  async *events(runId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    let last = afterSeq;
    let failures = 0;
    while (!signal.aborted) {
      let res: Response;
      try {
        res = await fetch(`${this.base}/api/runs/${encodeURIComponent(runId)}/events`, { headers: { accept: "text/event-stream", "last-event-id": String(last) }, signal });
      } catch (err) {
        if (signal.aborted) return;
        if (++failures > RECONNECTS) throw new CliError(ExitCode.unreachable, `Lost the connection to ${this.base} while following run ${runId}: ${(err as Error).message}`);
        await sleep(Math.min(5000, 250 * 2 ** failures), signal);
        continue;
      }
      if (!res.ok || !res.body) throw await ApiError.fromResponse(res);
      try {
        for await (const message of readSse(res.body)) {
          const parsed = RunEvent.safeParse(safeJson(message.data));
          if (!parsed.success || parsed.data.seq <= last) continue;
          failures = 0;
          last = parsed.data.seq;
          yield parsed.data;
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
    await this.request("POST", `/api/runs/${encodeURIComponent(runId)}/approve`, Ok, decision);
  }

  async reject(runId: string, decision: Decision) {
    await this.request("POST", `/api/runs/${encodeURIComponent(runId)}/reject`, Ok, decision);
  }

  async cancel(runId: string) {
    await this.request("POST", `/api/runs/${encodeURIComponent(runId)}/cancel`, Ok);
  }

  retry(runId: string, options: { latest?: boolean }) {
    return this.request("POST", `/api/runs/${encodeURIComponent(runId)}/retry`, RunStarted, options);
  }

  templates() {
    return this.request("GET", "/api/templates", TemplateList);
  }

  template(id: string) {
    return this.request("GET", `/api/templates/${encodeURIComponent(id)}`, TemplateDetail);
  }

  instantiate(id: string, params: Record<string, unknown>, save: boolean) {
    return this.request("POST", `/api/templates/${encodeURIComponent(id)}/instantiate`, InstantiatedTemplate, { params, save });
  }

  saveTemplate(request: SaveTemplateRequest) {
    return this.request("POST", "/api/templates", TemplateDetail, request);
  }

  async deleteTemplate(id: string) {
    await this.request("DELETE", `/api/templates/${encodeURIComponent(id)}`, Ok);
  }

  async close() {}
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
