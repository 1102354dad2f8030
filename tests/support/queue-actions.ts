/**
 * Actions for queue-mode tests and the scale bench, observable across processes: each writes
 * what it does to a trace file in a folder the test owns (one line a fact:
 * `<what> <runId> <stepId> <attempt> <pid> <idempotencyKey>`), and waits for files the test makes.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ActionError, defineAction, type Action, type ActionContext } from "../../lib/core";

export interface TraceLine { what: string; runId: string; stepId: string; attempt: number; pid: number; key: string }

export function traceFile(dir: string): string {
  return path.join(dir, "trace.log");
}

export function readTrace(dir: string): TraceLine[] {
  if (!existsSync(traceFile(dir))) return [];
  return readFileSync(traceFile(dir), "utf8").split("\n").filter(Boolean).map((l) => {
    const [what, runId, stepId, attempt, pid, key] = l.split(" ");
    return { what, runId, stepId, attempt: Number(attempt), pid: Number(pid), key };
  });
}

function trace(dir: string, what: string, ctx: ActionContext) {
  appendFileSync(traceFile(dir), `${what} ${ctx.runId} ${ctx.stepId} ${ctx.attempt} ${process.pid} ${ctx.idempotencyKey}\n`);
}

/** Resolves when `ready()` holds, checking every 10 ms; rejects when the step is stopped. */
function until(ready: () => boolean, ctx: ActionContext, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => { clearInterval(t); trace(dir, "aborted", ctx); reject(ctx.signal.reason); };
    const t = setInterval(() => { if (ready()) { clearInterval(t); ctx.signal.removeEventListener("abort", stop); resolve(); } }, 10);
    if (ctx.signal.aborted) stop();
    else ctx.signal.addEventListener("abort", stop, { once: true });
  });
}

export function releaseFile(dir: string, stepId: string): string {
  return path.join(dir, `release-${stepId}`);
}

export function release(dir: string, stepId: string): void {
  writeFileSync(releaseFile(dir, stepId), "");
}

export function queueActions(dir: string): Action[] {
  return [
    defineAction({
      id: "q.sleep", title: "Sleep", description: "Waits `ms`, then returns.", effect: "pure",
      input: z.object({ ms: z.number().int().min(0), after: z.unknown().optional() }), output: z.object({ pid: z.number() }),
      run: async ({ ms }, ctx) => {
        trace(dir, "start", ctx);
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, ms);
          ctx.signal.addEventListener("abort", () => { clearTimeout(t); trace(dir, "aborted", ctx); reject(ctx.signal.reason); }, { once: true });
        });
        trace(dir, "done", ctx);
        return { pid: process.pid };
      },
    }),
    defineAction({
      id: "q.add", title: "Add", description: "Adds two numbers.", effect: "pure",
      input: z.object({ a: z.number(), b: z.number() }), output: z.object({ sum: z.number() }),
      run: ({ a, b }, ctx) => {
        trace(dir, "start", ctx);
        trace(dir, "done", ctx);
        return { sum: a + b };
      },
    }),
    defineAction({
      id: "q.hold", title: "Hold", description: "Waits until the test releases it (a file named after the step).", effect: "pure",
      input: z.object({ after: z.unknown().optional() }), output: z.object({ pid: z.number() }),
      run: async (_input, ctx) => {
        trace(dir, "start", ctx);
        await until(() => existsSync(releaseFile(dir, ctx.stepId)), ctx, dir);
        trace(dir, "done", ctx);
        return { pid: process.pid };
      },
    }),
    defineAction({
      id: "q.item", title: "Item", description: "Doubles `n`; fails when `fail`, until the test fixes it (a release file `fix-<n>`); with `hold`, first waits until the test releases it (a file named after the run and `n`).", effect: "pure",
      input: z.object({ n: z.number(), hold: z.boolean().optional(), fail: z.boolean().optional() }), output: z.object({ n: z.number(), doubled: z.number() }),
      run: async ({ n, hold, fail }, ctx) => {
        trace(dir, "start", ctx);
        if (hold) await until(() => existsSync(releaseFile(dir, `${ctx.runId}-${n}`)), ctx, dir);
        if (fail && !existsSync(releaseFile(dir, `fix-${n}`))) { trace(dir, "failed", ctx); throw new ActionError("bad_item", `item ${n} is bad`, { retryable: false }); }
        trace(dir, "done", ctx);
        return { n, doubled: n * 2 };
      },
    }),
    defineAction({
      id: "q.flaky", title: "Flaky", description: "Fails its first attempt with a retryable error, then succeeds.", effect: "read",
      retry: { maxAttempts: 3, backoffMs: 200, maxBackoffMs: 400 },
      input: z.object({}), output: z.object({ attempt: z.number() }),
      run: (_input, ctx) => {
        trace(dir, "start", ctx);
        if (ctx.attempt === 1) { trace(dir, "failed", ctx); throw new ActionError("busy", "the service is busy", { retryable: true }); }
        trace(dir, "done", ctx);
        return { attempt: ctx.attempt };
      },
    }),
    defineAction({
      id: "q.write", title: "Write", description: "A write with an undo that traces what it undid (`undo`, then `undone`); with `holdUndo`, the undo first waits until the test releases it (a file named `undo-<run>-<step>`); with `failUndo`, it fails.", effect: "write",
      input: z.object({ key: z.string(), holdUndo: z.boolean().optional(), failUndo: z.boolean().optional(), after: z.unknown().optional() }), output: z.object({ key: z.string() }),
      run: ({ key }, ctx) => {
        trace(dir, "start", ctx);
        trace(dir, "done", ctx);
        return { key };
      },
      undo: async ({ holdUndo, failUndo }, _output, ctx) => {
        trace(dir, "undo", ctx);
        if (holdUndo) await until(() => existsSync(releaseFile(dir, `undo-${ctx.runId}-${ctx.stepId}`)), ctx, dir);
        if (failUndo) throw new ActionError("undo_failed", `cannot undo ${ctx.stepId}`, { retryable: false });
        trace(dir, "undone", ctx);
      },
    }),
    defineAction({
      id: "q.broken", title: "Broken", description: "Always fails, once (re-planning tests: the offline re-planner replaces it by q.mend).", effect: "pure",
      retry: { maxAttempts: 1 },
      input: z.object({ n: z.number(), from: z.string().optional() }), output: z.object({ value: z.string() }),
      run: (_input, ctx) => {
        trace(dir, "start", ctx);
        trace(dir, "failed", ctx);
        throw new ActionError("broken", "broken on purpose", { retryable: false });
      },
    }),
    defineAction({
      id: "q.mend", title: "Mend", description: "Gives `n` as text.", effect: "pure",
      input: z.object({ n: z.number(), from: z.string().optional() }), output: z.object({ value: z.string() }),
      run: ({ n }, ctx) => {
        trace(dir, "start", ctx);
        trace(dir, "done", ctx);
        return { value: `mended ${n}` };
      },
    }),
    defineAction({
      id: "q.crash", title: "Crash", description: "Kills the process it runs in, as a step that crashes or exhausts its worker does.", effect: "pure",
      input: z.object({}), output: z.object({ pid: z.number() }),
      run: (_input, ctx) => {
        trace(dir, "start", ctx);
        process.kill(process.pid, "SIGKILL");
        return { pid: process.pid };
      },
    }),
    defineAction({
      id: "q.gather", title: "Gather", description: "Waits until `parties` steps of its group have started, wherever they run.", effect: "pure",
      input: z.object({ group: z.string(), parties: z.number().int().min(1) }), output: z.object({ pid: z.number() }),
      run: async ({ group, parties }, ctx) => {
        trace(dir, "start", ctx);
        writeFileSync(path.join(dir, `gather-${group}-${ctx.stepId}`), String(process.pid));
        await until(() => readdirSync(dir).filter((f) => f.startsWith(`gather-${group}-`)).length >= parties, ctx, dir);
        trace(dir, "done", ctx);
        return { pid: process.pid };
      },
    }),
  ];
}
