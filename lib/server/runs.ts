/** What the app and the REST API ask of runs. */
import { z } from "zod";
import { RunStatus, applyRunEvents, emptyStepView, type ActionSpec, type RunEvent, type RunView } from "../core";
import { RunOptions } from "../engine/run-options";
import { getPlan } from "../store/plans";
import { getRunDetail, listRuns } from "../store/runs";
import { PrismaRunStore } from "../store/run-store";
import { notFound } from "./errors";
import { getTrellis } from "./trellis";

export const StartRunBody = z.object({
  /** a version of the plan; the latest when absent */
  versionId: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).default({}),
  options: RunOptions.partial().default({}),
});
export type StartRunBody = z.infer<typeof StartRunBody>;

export const RunListQuery = z.object({
  status: RunStatus.optional(),
  planId: z.string().optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const DecisionBody = z.object({
  stepId: z.string().min(1),
  comment: z.string().max(2000).optional(),
  by: z.string().max(200).optional(),
  /** approve only: an edited input for the step */
  input: z.unknown().optional(),
});

export const RetryBody = z.object({
  /** retry on this plan version; `latest: true` takes the plan's newest version */
  versionId: z.string().optional(),
  latest: z.boolean().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

export async function startRun(planId: string, body: StartRunBody): Promise<{ runId: string }> {
  const t = await getTrellis();
  const plan = await getPlan(t.database.prisma, planId);
  if (!plan) throw notFound(`There is no plan ${planId}.`);
  const versionId = body.versionId ?? plan.latest.id;
  const runId = await t.engine.start({ planVersionId: versionId, inputs: body.inputs, options: body.options });
  return { runId };
}

export async function runList(query: z.infer<typeof RunListQuery>) {
  const t = await getTrellis();
  return listRuns(t.database.prisma, { status: query.status, planId: query.planId, since: query.since, until: query.until, take: query.limit });
}

export async function runDetail(runId: string) {
  const t = await getTrellis();
  const d = await getRunDetail(t.database.prisma, runId);
  if (!d) throw notFound(`There is no run ${runId}.`);
  return d;
}

/**
 * Everything the run page needs: the plan, the actions it uses, and the run's state
 * rebuilt from its event log (the same reducer the browser applies live events with).
 */
export async function runPageData(runId: string) {
  const t = await getTrellis();
  const store = new PrismaRunStore(t.database.prisma);
  const d = await getRunDetail(t.database.prisma, runId);
  if (!d) throw notFound(`There is no run ${runId}.`);
  const events = await store.events(runId);
  const initial: RunView = { id: runId, status: "queued", lastSeq: 0, steps: Object.fromEntries(d.plan.steps.map((s) => [s.id, emptyStepView()])) };
  const view = applyRunEvents(initial, events);
  const actions = [...new Set(d.plan.steps.map((s) => s.action))].map((id) => t.catalog.get(id)).filter((a): a is ActionSpec => Boolean(a));
  return {
    view,
    plan: d.plan,
    actions,
    meta: { planId: d.run.planId, planTitle: d.planTitle, versionNumber: d.versionNumber, planVersionId: d.run.planVersionId, inputs: d.run.inputs, options: d.run.options, createdAt: d.run.createdAt.toISOString(), retryOfId: d.run.retryOfId ?? null },
  };
}
export type RunPageData = Awaited<ReturnType<typeof runPageData>>;

export async function cancelRun(runId: string) {
  const t = await getTrellis();
  await t.engine.cancel(runId, "cancelled by a person");
  return { ok: true };
}

export async function approveStep(runId: string, body: z.infer<typeof DecisionBody>) {
  const t = await getTrellis();
  await t.engine.approve(runId, body.stepId, { by: body.by, comment: body.comment, input: body.input });
  return { ok: true };
}

export async function rejectStep(runId: string, body: z.infer<typeof DecisionBody>) {
  const t = await getTrellis();
  await t.engine.reject(runId, body.stepId, { by: body.by, comment: body.comment });
  return { ok: true };
}

export async function retryRun(runId: string, body: z.infer<typeof RetryBody>) {
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

const HEARTBEAT_MS = 15_000;

/**
 * The run's events as Server-Sent Events, from after `lastEventId`: stored events first,
 * then live ones, with no gap and no duplicate (subscribe first, then replay, then
 * forward only what is newer). The SSE id is the event's seq.
 */
export async function runEventStream(runId: string, lastEventId: number, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const t = await getTrellis();
  const store = new PrismaRunStore(t.database.prisma);
  const exists = await t.database.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!exists) throw notFound(`There is no run ${runId}.`);
  const encoder = new TextEncoder();
  let sent = lastEventId;
  let closed = false;
  let unsubscribe = () => {};
  let heartbeat: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        try { controller.close(); } catch { /* already closed by the client */ }
      };
      signal.addEventListener("abort", close, { once: true });
      const write = (e: RunEvent) => {
        if (closed || e.seq <= sent) return;
        sent = e.seq;
        controller.enqueue(encoder.encode(`id: ${e.seq}\nevent: run-event\ndata: ${JSON.stringify(e)}\n\n`));
      };
      const buffered: RunEvent[] = [];
      let replaying = true;
      unsubscribe = t.engine.bus.subscribe(runId, (e) => (replaying ? buffered.push(e) : write(e)));
      controller.enqueue(encoder.encode(`retry: 1000\n: connected\n\n`));
      for (;;) {
        const page = await store.events(runId, sent, 1000);
        for (const e of page) write(e);
        if (page.length < 1000) break;
      }
      replaying = false;
      for (const e of buffered.sort((a, b) => a.seq - b.seq)) write(e);
      heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(`: heartbeat ${Date.now()}\n\n`));
      }, HEARTBEAT_MS);
    },
    cancel() {
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
    },
  });
}
