/** What the app and the REST API ask of runs. */
import { redactSecrets } from "./connections/redaction";
import { createReadStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { applyRunEvents, emptyStepView, runOutcome, runResultOf, type ActionSpec, type RunEvent, type RunView } from "../core";
import { ARTIFACT_PAGE_MAX_ITEMS, type ArtifactPage, type ArtifactPageQuery, type DecisionBody, type ReplanDecisionBody, type RetryBody, type RunDetail, type RunList, type RunListQuery, type RunPage, type RunStarted, type StartRunBody, type AuditEntry } from "../contract/runs";
import { ArtifactStore } from "../engine/artifact-store";
import type { StepRecord as EngineStepRecord, RunRecord as EngineRunRecord } from "../engine/run-store";
import { getPlan, getVersion } from "../store/plans";
import { getRunDetail, listRuns } from "../store/runs";
import { PrismaRunStore } from "../store/run-store";
import { badRequest, notFound } from "./errors";
import { getTrellis, runsFolder, type Trellis } from "./trellis";
import { givenFilesOf, type GivenFile } from "../engine/given-files";
import { sseStream, type SseStreamOptions } from "../contract/sse";
import { LOCAL_ACTOR, type Actor } from "../contract/access";
import { uploadsForRun } from "./uploads";

export async function startRun(planId: string, body: StartRunBody, actor: Actor = LOCAL_ACTOR): Promise<RunStarted> {
  const t = await getTrellis();
  const plan = await getPlan(t.database.prisma, planId);
  if (!plan) throw notFound(`There is no plan ${planId}.`);
  const versionId = body.versionId ?? plan.latest.id;
  if (body.versionId && body.versionId !== plan.latest.id) {
    // A version of another plan would run that plan under this one's name.
    const version = await getVersion(t.database.prisma, body.versionId);
    if (!version) throw notFound(`Plan ${planId} has no version ${body.versionId}.`);
    if (version.planId !== planId) throw badRequest(`Version ${body.versionId} belongs to another plan (${version.planId}), not to plan ${planId}.`);
  }
  const uploaded = body.files?.length ? await uploadsForRun(body.files, actor) : [];
  const files = body.filesOf ? [...(await filesOfRun(t, planId, body.filesOf)).filter((f) => !uploaded.some((u) => u.path === f.path)), ...uploaded] : uploaded;
  const runId = await t.engine.start({ planVersionId: versionId, inputs: body.inputs, options: body.options, files });
  return { runId };
}

/** The files an earlier run of the plan was given, as they were given (Run again gives them again). */
async function filesOfRun(t: Trellis, planId: string, runId: string): Promise<GivenFile[]> {
  const run = await t.database.prisma.run.findUnique({ where: { id: runId }, select: { planId: true } });
  if (!run || run.planId !== planId) throw badRequest(`Run ${runId} is not a run of plan ${planId}; give the files of one of its own runs.`);
  return givenFilesOf(path.join(runsFolder(t.config), runId));
}

const iso = (d?: Date | null) => (d ? d.toISOString() : d === null ? null : undefined);

/** A stored run as the API answers it: dates as ISO text. */
export function runRecordJson(r: EngineRunRecord): RunDetail["run"] {
  return { ...r, createdAt: r.createdAt.toISOString(), startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt), outcome: runOutcome(r) };
}

export function stepRecordJson(s: EngineStepRecord): RunDetail["steps"][number] {
  return { ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) };
}

export async function runList(query: RunListQuery): Promise<RunList> {
  const t = await getTrellis();
  const runs = await listRuns(t.database.prisma, { status: query.status, outcome: query.outcome, planId: query.planId, since: query.since, until: query.until, archived: query.archived, take: query.limit });
  return { runs: runs.map(({ planTitle, versionNumber, stepCount, steps, durationMs, ...r }) => ({ ...runRecordJson(r), planTitle, versionNumber, stepCount, steps, durationMs })) };
}

export async function runDetail(runId: string): Promise<RunDetail> {
  const t = await getTrellis();
  const d = await getRunDetail(t.database.prisma, runId);
  if (!d) throw notFound(`There is no run ${runId}.`);
  const result = runResultOf(d.plan, d.run);
  return { ...(result ? { result } : {}), ...d, run: runRecordJson(d.run), steps: d.steps.map(stepRecordJson) };
}

/**
 * Everything the run page needs: the plan, the actions it uses, and the run's state
 * rebuilt from its event log (the same reducer the browser applies live events with).
 */
export async function runPageData(runId: string): Promise<RunPage> {
  const t = await getTrellis();
  const store = new PrismaRunStore(t.database.prisma);
  const d = await getRunDetail(t.database.prisma, runId);
  if (!d) throw notFound(`There is no run ${runId}.`);
  const events = await store.events(runId);
  const startedBy = (await t.database.prisma.run.findUnique({ where: { id: runId }, select: { startedBy: true } }))?.startedBy ?? null;
  const initial: RunView = { id: runId, status: "queued", lastSeq: 0, steps: Object.fromEntries(d.plan.steps.map((s) => [s.id, emptyStepView()])) };
  const view = applyRunEvents(initial, events);
  const actions = [...new Set(d.plan.steps.map((s) => s.action))].map((id) => t.catalog.get(id)).filter((a): a is ActionSpec => Boolean(a));
  const children = await t.database.prisma.run.findMany({ where: { parentRunId: runId }, orderBy: { createdAt: "asc" }, select: { id: true, parentStepId: true, status: true } });
  // The run page is a page: no secret value on it (a plan literal or an older event that holds one).
  return redactSecrets({
    children: children.map((c) => ({ stepId: c.parentStepId ?? "", runId: c.id, status: c.status })),
    view,
    plan: d.plan,
    actions,
    meta: { planId: d.run.planId, planTitle: d.planTitle, versionNumber: d.versionNumber, planVersionId: d.run.planVersionId, inputs: d.run.inputs, options: d.run.options, createdAt: d.run.createdAt.toISOString(), retryOfId: d.run.retryOfId ?? null, startedBy, parent: d.run.parentRunId && d.run.parentStepId ? { runId: d.run.parentRunId, stepId: d.run.parentStepId } : null },
    audit: auditTrail(d.run.createdAt, startedBy, d.run.retryOfId ?? null, events),
  });
}
export type RunPageData = RunPage;

const CANCELLED_BY = "cancelled by ";

/** Who did what to a run, from its row (who started it) and its events (decisions and a cancel, each with its person). */
export function auditTrail(createdAt: Date, startedBy: string | null, retryOfId: string | null, events: RunEvent[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  if (startedBy) out.push({ at: createdAt.toISOString(), who: startedBy, what: retryOfId ? "retried" : "started" });
  for (const e of events) {
    if ((e.type === "step.approved" || e.type === "step.rejected") && e.data.by) {
      out.push({ at: e.at, who: e.data.by, what: e.type === "step.approved" ? "approved" : "rejected", ...(e.stepId ? { stepId: e.stepId } : {}), ...(e.data.comment ? { comment: e.data.comment } : {}) });
    }
    if (e.type === "run.cancelled" && e.data.reason?.startsWith(CANCELLED_BY)) out.push({ at: e.at, who: e.data.reason.slice(CANCELLED_BY.length), what: "cancelled" });
  }
  return out;
}

/** One page of a run's artifact (see lib/engine/artifact-store). */
export async function artifactPage(runId: string, sha256: string, query: ArtifactPageQuery): Promise<ArtifactPage> {
  const { store, found } = await findArtifact(runId, sha256);
  const limit = found.mediaType === "text/plain; charset=utf-8" ? query.limit : Math.min(query.limit, ARTIFACT_PAGE_MAX_ITEMS);
  return { sha256, mediaType: found.mediaType, bytes: found.bytes, ...(await store.page(found, query.offset, limit)) };
}

/** A run's artifact as a file to save, streamed from the disk. */
export async function artifactDownload(runId: string, sha256: string): Promise<Response> {
  const { found } = await findArtifact(runId, sha256);
  const body = Readable.toWeb(createReadStream(found.file)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(found.bytes),
      "content-disposition": `attachment; filename="${found.fileName}"`,
      "x-content-type-options": "nosniff",
    },
  });
}

async function findArtifact(runId: string, sha256: string) {
  const t = await getTrellis();
  const exists = await t.database.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!exists) throw notFound(`There is no run ${runId}.`);
  // The id is a stored run's: its folder name is safe.
  const store = new ArtifactStore(path.join(runsFolder(t.config), exists.id));
  const found = await store.find(sha256);
  if (!found) throw notFound(`Run ${runId} has no artifact ${sha256}.`);
  return { store, found };
}

/**
 * Cancel, approve and reject are recorded with the caller: the session's or token's person, never
 * a name the request gives (a request cannot speak for someone else). With accounts off there is
 * one person, "local", who may note a name with a decision (`by`).
 */
export async function cancelRun(runId: string, actor: Actor): Promise<{ ok: true }> {
  const t = await getTrellis();
  await t.engine.cancel(runId, `${CANCELLED_BY}${actor.label}`);
  await cancelChildren(t, runId, `its parent run ${runId} was cancelled by ${actor.label}`);
  return { ok: true };
}

/**
 * The child runs (plan actions) of a cancelled run that have not ended, and theirs: a parent this
 * process executes cancels them through its step's signal already; one that ran nowhere here did not.
 */
async function cancelChildren(t: Awaited<ReturnType<typeof getTrellis>>, runId: string, reason: string, depth = 0): Promise<void> {
  if (depth > 8) return;
  const open = await t.database.prisma.run.findMany({ where: { parentRunId: runId, status: { in: ["queued", "running", "awaiting_approval"] } }, select: { id: true } });
  for (const child of open) {
    await t.engine.cancel(child.id, reason).catch(() => undefined);
    await cancelChildren(t, child.id, reason, depth + 1);
  }
}

export async function approveStep(runId: string, body: DecisionBody, actor: Actor): Promise<{ ok: true }> {
  const t = await getTrellis();
  await t.engine.approve(runId, body.stepId, { by: decider(actor, body), comment: body.comment, input: body.input });
  return { ok: true };
}

export async function rejectStep(runId: string, body: DecisionBody, actor: Actor): Promise<{ ok: true }> {
  const t = await getTrellis();
  await t.engine.reject(runId, body.stepId, { by: decider(actor, body), comment: body.comment });
  return { ok: true };
}

function decider(actor: Actor, body: DecisionBody): string {
  return actor.kind === "local" ? body.by?.trim() || actor.label : actor.label;
}

/** "Re-plan from here" on a failed run: a proposal that waits for a person (the engine checks the run). */
export async function replanRun(runId: string): Promise<{ ok: true }> {
  const t = await getTrellis();
  await t.engine.replanFromHere(runId);
  return { ok: true };
}

export async function decideReplan(runId: string, body: ReplanDecisionBody, actor: Actor): Promise<{ ok: true }> {
  const t = await getTrellis();
  await t.engine.decideReplan(runId, body.decision, { by: actor.kind === "local" ? body.by?.trim() || actor.label : actor.label, comment: body.comment });
  return { ok: true };
}

export async function retryRun(runId: string, body: RetryBody): Promise<RunStarted> {
  const t = await getTrellis();
  let versionId = body.versionId;
  if (!versionId && body.latest) {
    const d = await getRunDetail(t.database.prisma, runId);
    if (!d) throw notFound(`There is no run ${runId}.`);
    versionId = (await getPlan(t.database.prisma, d.run.planId))?.latest.id;
  }
  const newRunId = await t.engine.retry(runId, { planVersionId: versionId, inputs: body.inputs });
  return { runId: newRunId };
}

export async function runEventsAfter(runId: string, after: number): Promise<RunEvent[]> {
  const t = await getTrellis();
  const exists = await t.database.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!exists) throw notFound(`There is no run ${runId}.`);
  return new PrismaRunStore(t.database.prisma).events(runId, after, 100_000);
}

/** The seq a client resumes after (Last-Event-ID or ?lastEventId): a whole number, 0 when absent. */
export function lastEventId(text: string | null | undefined): number {
  if (text === null || text === undefined || text.trim() === "") return 0;
  if (!/^\d{1,15}$/.test(text.trim())) throw badRequest(`Last-Event-ID "${text.slice(0, 40)}" is not an event seq (a whole number).`);
  return Number(text.trim());
}

/**
 * The run's events as Server-Sent Events, from after `lastEventId`: stored events first,
 * then live ones, with no gap and no duplicate (subscribe first, then replay, then
 * forward only what is newer). The SSE id is the event's seq.
 */
export async function runEventStream(runId: string, lastEventId: number, signal: AbortSignal, options: Pick<SseStreamOptions, "keepAliveMs" | "repeat"> = {}): Promise<ReadableStream<Uint8Array>> {
  const t = await getTrellis();
  const store = new PrismaRunStore(t.database.prisma);
  const exists = await t.database.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!exists) throw notFound(`There is no run ${runId}.`);
  return sseStream(async (sink) => {
    let sent = lastEventId;
    const write = (e: RunEvent) => {
      if (e.seq <= sent) return;
      if (sink.send({ id: e.seq, event: "run-event", data: JSON.stringify(e) })) sent = e.seq;
    };
    const buffered: RunEvent[] = [];
    let replaying = true;
    const unsubscribe = t.engine.bus.subscribe(runId, (e) => (replaying ? buffered.push(e) : write(e)));
    try {
      sink.send({ retry: 1000, comment: "connected" });
      for (;;) {
        const page = await store.events(runId, sent, 1000);
        for (const e of page) write(e);
        if (page.length < 1000 || !sink.open) break;
      }
      replaying = false;
      for (const e of buffered.sort((a, b) => a.seq - b.seq)) write(e);
      buffered.length = 0;
      // Live events arrive through the subscription until the client goes away.
      await sink.done;
    } finally {
      unsubscribe();
    }
  }, { signal, keepAlive: () => `heartbeat ${Date.now()}`, ...options });
}
