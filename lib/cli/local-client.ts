/**
 * The client that is Trellis: it opens the app's database (same TRELLIS_DATA_DIR or
 * DATABASE_URL) through the composition root and runs the engine in this process. It calls the
 * same lib/server functions as the routes, maps their errors through the routes' one mapping,
 * and passes every answer through JSON and its documented schema, so a command cannot tell it
 * from the remote client.
 */
import path from "node:path";
import { z } from "zod";
import { ActionRegistry, RunEvent, type ActionSpec, type PlanningEvent } from "../core";
import { builtinActions } from "../actions";
import type { PlanGoalRequest } from "../planner/request";
import { DataDirLockedError } from "../store/data-dir-lock";
import { config } from "../server/env";
import { errorResponse } from "../server/http";
import { FlowDetail, FlowList, ImportedPlan, PlanDetailJson, RunDetail, RunList, RunStarted } from "../server/openapi";
import { planDetail } from "../server/plan-editing";
import { flowDetail, listFlows, planAndSave } from "../server/planning";
import { importPlan, parsePlanId } from "../server/plans";
import { DecisionBody, RetryBody, RunListQuery, StartRunBody, approveStep, cancelRun, rejectStep, retryRun, runDetail, runEventStream, runList, startRun } from "../server/runs";
import { InstantiateTemplateBody, InstantiatedTemplate, SaveTemplateBody, TemplateDetail, TemplateList, deleteTemplate, instantiate, listTemplates, parseTemplateId, saveTemplate, templateDetail } from "../server/templates";
import { closeTrellis, getTrellis, type Trellis } from "../server/trellis";
import { ApiError } from "./api-error";
import type { Decision, Planned, RunQuery, RunRequest, SaveTemplateRequest, TrellisClient } from "./client";
import { CliError, ExitCode } from "./exit-codes";
import { readSse } from "./sse";

/** Whether this process's engine executes the run (a run just started or retried gets a moment). */
async function executingSoon(t: Trellis, runId: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if (t.engine.activeRuns().includes(runId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** For answers a command does not read ({ ok: true }). */
const Anything = z.unknown();

export class LocalClient implements TrellisClient {
  readonly where: string;
  private opened: Promise<Trellis> | undefined;

  constructor(private readonly warn: (text: string) => void) {
    const cfg = config();
    this.where = cfg.databaseUrl ? "the PostgreSQL database in DATABASE_URL" : `the database in ${cfg.dataDir}`;
  }

  pageUrl(): undefined {
    return undefined;
  }

  runFolder(runId: string): string {
    return path.join(config().dataDir, "runs", runId);
  }

  private open(): Promise<Trellis> {
    this.opened ??= getTrellis().catch((err: unknown) => {
      if (err instanceof DataDirLockedError) {
        throw new CliError(ExitCode.unreachable, `${err.message.replace(/ Stop it, or point.*$/, "")}\nThe app is running: pass --server http://localhost:${config().port} (or set TRELLIS_SERVER_URL) to work through it.`);
      }
      throw new CliError(ExitCode.unreachable, `Cannot open ${this.where}: ${(err as Error).message}`);
    });
    return this.opened;
  }

  /** Runs one server function the way a route would, and returns its answer as the route would send it. */
  private async call<S extends z.ZodType>(schema: S, fn: () => Promise<unknown>): Promise<z.output<S>> {
    await this.open();
    let value: unknown;
    try {
      value = await fn();
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw await ApiError.fromResponse(errorResponse(err));
    }
    return schema.parse(JSON.parse(JSON.stringify(value)));
  }

  flows() {
    return this.call(FlowList, () => listFlows());
  }

  async actions(flow?: string): Promise<ActionSpec[]> {
    if (flow) return (await this.call(FlowDetail, () => flowDetail(flow))).actions;
    try {
      return [...(await this.open()).catalog.list()];
    } catch (err) {
      if (!(err instanceof CliError) || err.code !== ExitCode.unreachable) throw err;
      // The catalog is code: without the database, the built-in actions are still known.
      this.warn(`Note: ${this.where} is not available (${err.message.split("\n")[0]}); using the built-in actions.`);
      return [...new ActionRegistry(builtinActions({ httpAllowHosts: config().httpAllowHosts })).catalog.list()];
    }
  }

  async planGoal(request: PlanGoalRequest, onEvent: (e: PlanningEvent) => void): Promise<Planned> {
    await this.open();
    try {
      const saved = await planAndSave(request, { onEvent });
      const r = saved.result;
      return { planId: saved.planId, versionId: saved.versionId, version: saved.version, status: r.status, valid: r.valid, plan: r.plan, issues: r.issues, missingInputs: r.missingInputs.map((m) => m.name) };
    } catch (err) {
      throw await ApiError.fromResponse(errorResponse(err));
    }
  }

  importPlan(plan: unknown, note?: string) {
    return this.call(ImportedPlan, () => importPlan(plan, { note }));
  }

  getPlan(planId: string) {
    return this.call(PlanDetailJson, async () => planDetail(parsePlanId(planId)));
  }

  startRun(planId: string, request: RunRequest) {
    return this.call(RunStarted, async () => startRun(parsePlanId(planId), StartRunBody.parse(request)));
  }

  run(runId: string) {
    return this.call(RunDetail, () => runDetail(runId));
  }

  runs(query: RunQuery) {
    return this.call(RunList, async () => ({ runs: await runList(RunListQuery.parse(query)) }));
  }

  async *events(runId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    const t = await this.open();
    const { run } = await this.run(runId);
    // Live events come from this process's engine: a run it does not execute would never move.
    const unfinished = (status: string) => status === "queued" || status === "running";
    if (unfinished(run.status) && !(await executingSoon(t, runId)) && unfinished((await this.run(runId)).run.status)) {
      throw new CliError(
        ExitCode.failed,
        `Run ${runId} is ${run.status}, but no process here is running it (it was left when its process stopped). It resumes when the app starts (npm start); or cancel it: trellis cancel ${runId}. If the app is running it, follow it there with --server.`,
      );
    }
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = await runEventStream(runId, afterSeq, signal);
    } catch (err) {
      throw await ApiError.fromResponse(errorResponse(err));
    }
    for await (const message of readSse(stream)) {
      const parsed = RunEvent.safeParse(JSON.parse(message.data));
      if (parsed.success) yield parsed.data;
    }
  }

  async approve(runId: string, decision: Decision) {
    await this.call(Anything, () => approveStep(runId, DecisionBody.parse(decision)));
  }

  async reject(runId: string, decision: Decision) {
    await this.call(Anything, () => rejectStep(runId, DecisionBody.parse(decision)));
  }

  async cancel(runId: string) {
    await this.call(Anything, () => cancelRun(runId));
  }

  retry(runId: string, options: { latest?: boolean }) {
    return this.call(RunStarted, () => retryRun(runId, RetryBody.parse(options)));
  }

  templates() {
    return this.call(TemplateList, () => listTemplates());
  }

  template(id: string) {
    return this.call(TemplateDetail, async () => templateDetail(parseTemplateId(id)));
  }

  instantiate(id: string, params: Record<string, unknown>, save: boolean) {
    return this.call(InstantiatedTemplate, async () => instantiate(parseTemplateId(id), InstantiateTemplateBody.parse({ params, save })));
  }

  saveTemplate(request: SaveTemplateRequest) {
    return this.call(TemplateDetail, () => saveTemplate(SaveTemplateBody.parse(request)));
  }

  async deleteTemplate(id: string) {
    await this.call(Anything, async () => deleteTemplate(parseTemplateId(id)));
  }

  /** Lets runs this process is executing reach a pause or an end (briefly), then closes the database. */
  async close(): Promise<void> {
    if (!this.opened) return;
    const t = await this.opened.catch(() => undefined);
    if (!t) return;
    await Promise.race([t.engine.idle(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await closeTrellis();
  }
}
