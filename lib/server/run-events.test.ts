/**
 * GET /api/runs/:id/events as lib/server serves it (`runEventStream`, written with the contract's
 * SSE writer, read back with its reader): stored events, then live ones, no gap and no
 * duplicate, SSE id = seq, resuming after Last-Event-ID, and the subscription dropped when the
 * client goes away. The real composition root on a fresh embedded database; nothing mocked.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse, type Repeat, type SseMessage } from "../contract/sse";
import type { RunEvent } from "../core";
import { importPlanJson } from "./plans";
import { approveStep, runEventStream, startRun } from "./runs";
import { closeTrellis, getTrellis } from "./trellis";
import { LOCAL_ACTOR } from "../contract/access";

let dir: string;
let planId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-run-events-"));
  process.env.TRELLIS_DATA_DIR = dir;
  const imported = await importPlanJson(await readFile(path.join(__dirname, "../../examples/revenue-by-region.json"), "utf8"));
  if (!imported.ok) throw new Error(imported.error);
  planId = imported.planId;
});

afterAll(async () => {
  await closeTrellis();
  await rm(dir, { recursive: true, force: true });
});

/** Keep-alives on a timer the test never ticks. */
const noTicks: Repeat = () => () => {};

/** Reads run events until `stop` says so, then lets the client go. */
async function follow(runId: string, after: number, stop: (e: RunEvent) => boolean, onEvent?: (e: RunEvent) => Promise<void> | void): Promise<{ messages: SseMessage[]; events: RunEvent[] }> {
  const client = new AbortController();
  const stream = await runEventStream(runId, after, client.signal, { repeat: noTicks });
  const messages: SseMessage[] = [];
  const events: RunEvent[] = [];
  for await (const m of readSse(stream)) {
    messages.push(m);
    const e = JSON.parse(m.data) as RunEvent;
    events.push(e);
    await onEvent?.(e);
    if (stop(e)) break;
  }
  client.abort();
  return { messages, events };
}

describe("the run event stream", () => {
  it("replays stored events, then forwards live ones, with no gap or duplicate; resumes after an id; lets go of the bus", async () => {
    const t = await getTrellis();
    const bus = t.engine.bus;
    const subscribe = bus.subscribe.bind(bus);
    let open = 0;
    bus.subscribe = (runId, listener) => {
      open++;
      const unsubscribe = subscribe(runId, listener);
      return () => {
        open--;
        unsubscribe();
      };
    };
    try {
      const { runId } = await startRun(planId, { inputs: { report_path: "out/report.md" }, options: { approveWrites: true } });

      // Live while the run works, until it waits at its write step; then approve from inside the
      // stream and follow the rest live.
      const first = await follow(runId, 0, (e) => e.type === "run.succeeded" || e.type === "run.failed", async (e) => {
        if (e.type === "step.awaiting_approval") await approveStep(runId, { stepId: e.stepId! }, LOCAL_ACTOR);
      });
      expect(first.events.at(-1)?.type).toBe("run.succeeded");
      const seqs = first.events.map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      for (const m of first.messages) {
        expect(m.event).toBe("run-event");
        expect(m.id).toBe(String((JSON.parse(m.data) as RunEvent).seq));
      }

      // A client that reconnects after seq k gets k+1 onwards, from the store.
      const k = Math.floor(seqs.length / 2);
      const last = seqs.at(-1)!;
      const resumed = await follow(runId, k, (e) => e.seq === last);
      expect(resumed.events.map((e) => e.seq)).toEqual(seqs.slice(k));
      expect(resumed.events).toEqual(first.events.slice(k));

      // Every stream's subscription ended with its client.
      await expect.poll(() => open).toBe(0);
    } finally {
      bus.subscribe = subscribe;
    }
  });

  it("opens with the reconnection delay and stops when the reader cancels", async () => {
    const { runId } = await startRun(planId, { inputs: { report_path: "out/again.md" }, options: {} });
    await follow(runId, 0, (e) => e.type === "run.succeeded" || e.type === "run.failed");
    const stream = await runEventStream(runId, 0, new AbortController().signal, { repeat: noTicks });
    const reader = stream.getReader();
    const opening = new TextDecoder().decode((await reader.read()).value);
    expect(opening).toBe(": connected\nretry: 1000\n\n");
    await reader.cancel();
    expect((await reader.closed.then(() => "closed"))).toBe("closed");
  });
});
