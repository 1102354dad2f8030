/**
 * The client that is Trellis: it opens the app's database (same TRELLIS_DATA_DIR or
 * DATABASE_URL) through the composition root and runs the engine in this process. Each call is
 * its operation's lib function behind `action(op, fn)`, the wrapper the server actions use: the
 * same request schemas, the same error mapping, and every answer passed through JSON and its
 * contract schema, so a command cannot tell it from the remote client.
 */
import path from "node:path";
import { ActionRegistry, RunEvent, type ActionSpec, type PlanningEvent } from "../core";
import { builtinActions } from "../actions";
import { decodeSseJson, readSse } from "../contract/sse";
import type { PlanGoalRequest } from "../planner/request";
import { DataDirLockedError } from "../store/data-dir-lock";
import { ConfigError, config } from "../server/env";
import { OPERATIONS } from "../contract/operations";
import type { AnswerOf, Operation } from "../contract/operation";
import { action, answerFor } from "../server/route";
import { actAsProcess } from "../server/auth/access";
import { enforceLimit } from "../server/limits";
import { LOCAL_ACTOR } from "../contract/access";
import { planDetail } from "../server/plan-editing";
import { flowDetail, listFlows, planAndSave } from "../server/planning";
import { importPlan, parsePlanId } from "../server/plans";
import { approveStep, cancelRun, rejectStep, retryRun, runDetail, runEventStream, runList, startRun } from "../server/runs";
import { deleteTemplate, instantiate, listTemplates, parseTemplateId, saveTemplate, templateDetail } from "../server/templates";
import { closeTrellis, getTrellis, type Trellis } from "../server/trellis";
import { saveUpload } from "../server/uploads";
import { forgetMemory, listMemory } from "../server/memory";
import { ApiError } from "./api-error";
import type { Decision, Planned, RunQuery, RunRequest, SaveTemplateRequest, TrellisClient } from "./client";
import { CliError, ExitCode } from "./exit-codes";

/** Whether this process's engine executes the run (a run just started or retried gets a moment). */
async function executingSoon(t: Trellis, runId: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if (t.engine.activeRuns().includes(runId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** The Trellis of this data folder (or DATABASE_URL), opened in this process; a folder another process holds is exit 5 with what to do. */
export function openTrellisHere(where: string): Promise<Trellis> {
  return getTrellis().catch((err: unknown) => {
    if (err instanceof DataDirLockedError) {
      // Only a server's lock says where it serves; another command's has no server to point at.
      throw new CliError(ExitCode.unreachable, err.serverUrl ? `${err.holder}\nThe app is running: pass --server ${err.serverUrl} (or set TRELLIS_SERVER_URL) to work through it.` : err.message);
    }
    // A configuration that stops start-up is the person's to fix, not a database that is away.
    if (err instanceof ConfigError) throw new CliError(ExitCode.usage, err.message);
    throw new CliError(ExitCode.unreachable, `Cannot open ${where}: ${(err as Error).message}`);
  });
}

export class LocalClient implements TrellisClient {
  readonly where: string;
  private opened: Promise<Trellis> | undefined;

  constructor(private readonly warn: (text: string) => void) {
    const cfg = config();
    // Working on the data folder directly is the same as owning it: the CLI here is "local".
    actAsProcess(LOCAL_ACTOR);
    this.where = cfg.databaseUrl ? "the PostgreSQL database in DATABASE_URL" : `the database in ${cfg.dataDir}`;
  }

  pageUrl(): undefined {
    return undefined;
  }

  runFolder(runId: string): string {
    return path.join(config().dataDir, "runs", runId);
  }

  private open(): Promise<Trellis> {
    this.opened ??= openTrellisHere(this.where);
    return this.opened;
  }

  /** Runs an operation's lib function the way its route would, and returns its answer as the route would send it. */
  private async call<O extends Operation>(op: O, input: { params?: unknown; query?: unknown; body?: unknown }, fn: Parameters<typeof action<O>>[1]): Promise<AnswerOf<O>> {
    await this.open();
    const r = await action(op, fn)(input);
    if (!r.ok) throw new ApiError(r.status, r.code, r.error, r.details);
    return (op.answer ? op.answer.parse(JSON.parse(JSON.stringify(r.value))) : r.value) as AnswerOf<O>;
  }

  /** A thrown error as the CLI error its answer would give. */
  private static failure(err: unknown): unknown {
    if (err instanceof CliError) return err;
    const { status, body } = answerFor(err);
    return new ApiError(status, body.error.code, body.error.message, body.error.details);
  }

  flows() {
    return this.call(OPERATIONS.listFlows, {}, () => listFlows());
  }

  async actions(flow?: string): Promise<ActionSpec[]> {
    if (flow) return (await this.call(OPERATIONS.getFlow, { params: { id: flow } }, ({ params }) => flowDetail(params.id))).actions;
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
      await enforceLimit("planning", LOCAL_ACTOR);
      const saved = await planAndSave(request, { onEvent });
      const r = saved.result;
      return { planId: saved.planId, versionId: saved.versionId, version: saved.version, status: r.status, valid: r.valid, plan: r.plan, issues: r.issues, missingInputs: r.missingInputs.map((m) => m.name), coverage: r.coverage, ...(r.help ? { help: r.help } : {}) };
    } catch (err) {
      throw LocalClient.failure(err);
    }
  }

  importPlan(plan: unknown, note?: string) {
    return this.call(OPERATIONS.importPlan, { body: { plan, note } }, ({ body }) => importPlan(body.plan, { note: body.note ?? undefined }));
  }

  getPlan(planId: string) {
    return this.call(OPERATIONS.getPlan, { params: { id: planId } }, ({ params }) => planDetail(parsePlanId(params.id)));
  }

  memory() {
    return this.call(OPERATIONS.listMemory, {}, () => listMemory());
  }

  async forgetMemory(id: string) {
    await this.call(OPERATIONS.forgetMemory, { params: { id } }, ({ params }) => forgetMemory(params.id));
  }

  uploadFile(name: string, contentBase64: string) {
    return this.call(OPERATIONS.uploadFile, { body: { name, contentBase64 } }, ({ body, actor }) => saveUpload(body, actor));
  }

  startRun(planId: string, request: RunRequest) {
    return this.call(OPERATIONS.startRun, { params: { id: planId }, body: request }, ({ params, body, actor }) => startRun(parsePlanId(params.id), body, actor));
  }

  run(runId: string) {
    return this.call(OPERATIONS.getRun, { params: { id: runId } }, ({ params }) => runDetail(params.id));
  }

  runs(query: RunQuery) {
    return this.call(OPERATIONS.listRuns, { query }, ({ query: q }) => runList(q));
  }

  async *events(runId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent> {
    const t = await this.open();
    const { run } = await this.run(runId);
    // Live events come from this process's engine: a run it does not execute would never move.
    // In queue mode workers execute runs, and their events reach this process (docs/deploy.md).
    const unfinished = (status: string) => status === "queued" || status === "running";
    if (!t.queue && unfinished(run.status) && !(await executingSoon(t, runId)) && unfinished((await this.run(runId)).run.status)) {
      throw new CliError(
        ExitCode.failed,
        `Run ${runId} is ${run.status}, but no process here is running it (it was left when its process stopped). It resumes when the app starts (npm start); or cancel it: trellis cancel ${runId}. If the app is running it, follow it there with --server.`,
      );
    }
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = await runEventStream(runId, afterSeq, signal);
    } catch (err) {
      throw LocalClient.failure(err);
    }
    for await (const message of readSse(stream)) {
      const parsed = decodeSseJson(message, RunEvent);
      if (parsed.ok) yield parsed.value;
    }
  }

  async approve(runId: string, decision: Decision) {
    await this.call(OPERATIONS.approveStep, { params: { id: runId }, body: decision }, ({ params, body, actor }) => approveStep(params.id, body, actor));
  }

  async reject(runId: string, decision: Decision) {
    await this.call(OPERATIONS.rejectStep, { params: { id: runId }, body: decision }, ({ params, body, actor }) => rejectStep(params.id, body, actor));
  }

  async cancel(runId: string) {
    await this.call(OPERATIONS.cancelRun, { params: { id: runId } }, ({ params, actor }) => cancelRun(params.id, actor));
  }

  retry(runId: string, options: { latest?: boolean }) {
    return this.call(OPERATIONS.retryRun, { params: { id: runId }, body: options }, ({ params, body }) => retryRun(params.id, body));
  }

  templates() {
    return this.call(OPERATIONS.listTemplates, {}, () => listTemplates());
  }

  template(id: string) {
    return this.call(OPERATIONS.getTemplate, { params: { id } }, ({ params }) => templateDetail(parseTemplateId(params.id)));
  }

  instantiate(id: string, params: Record<string, unknown>, save: boolean) {
    return this.call(OPERATIONS.instantiateTemplate, { params: { id }, body: { params, save } }, ({ params: p, body }) => instantiate(parseTemplateId(p.id), body));
  }

  saveTemplate(request: SaveTemplateRequest) {
    return this.call(OPERATIONS.saveTemplate, { body: request }, ({ body }) => saveTemplate(body));
  }

  async deleteTemplate(id: string) {
    await this.call(OPERATIONS.deleteTemplate, { params: { id } }, ({ params }) => deleteTemplate(parseTemplateId(params.id)));
  }

  /**
   * Lets runs this process is executing reach a pause or an end (briefly), then stops the engine
   * (what it queued is stored, its claims released) and closes the database. It always settles:
   * the wait is a timer that holds the process until it fires or is cleared.
   */
  async close(): Promise<void> {
    if (!this.opened) return;
    const t = await this.opened.catch(() => undefined);
    if (!t) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([t.engine.idle(), new Promise((resolve) => { timer = setTimeout(resolve, 2000); })]);
    clearTimeout(timer);
    await closeTrellis();
  }
}
