/** Actions with controllable behaviour for engine tests and benchmarks. */
import { z } from "zod";
import { ActionError, defineAction, type Action } from "../../lib/core";

export interface Probe {
  calls: Map<string, number>;
  undone: string[];
  flaky: Map<string, number>;
  /** what the `gate` action returns: set to make a retried run succeed */
  gateOpen: boolean;
  /** steps whose action was ended by its signal (a cancel or a failure elsewhere stopped it) */
  aborted: string[];
  /** the values `test.item` fails for (a for-each step's failing items) */
  failingItems: Set<number>;
}

export function newProbe(): Probe {
  return { calls: new Map(), undone: [], flaky: new Map(), gateOpen: false, aborted: [], failingItems: new Set() };
}

const count = (p: Probe, key: string) => p.calls.set(key, (p.calls.get(key) ?? 0) + 1);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });
}

export function testActions(probe: Probe): Action[] {
  // test.rendezvous: the steps of a group that have arrived, and the ones waiting for the rest
  const groups = new Map<string, { arrived: number; release: (() => void)[] }>();
  return [
    defineAction({
      id: "test.rendezvous", title: "Rendezvous", description: "Waits until `parties` steps of its group run at once, then returns its value: it ends only when they run in parallel.", effect: "pure",
      input: z.object({ group: z.string(), parties: z.number().int().min(1), value: z.number().default(0) }),
      output: z.object({ value: z.number() }),
      run: async ({ group, parties, value }, ctx) => {
        const g = groups.get(group) ?? { arrived: 0, release: [] };
        groups.set(group, g);
        g.arrived++;
        if (g.arrived >= parties) for (const release of g.release.splice(0)) release();
        else {
          await new Promise<void>((resolve, reject) => {
            g.release.push(resolve);
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
          });
        }
        count(probe, ctx.stepId);
        return { value };
      },
    }),
    defineAction({
      id: "test.until_aborted", title: "Until aborted", description: "Runs until its signal aborts it, and records that it was.", effect: "pure",
      input: z.object({}), output: z.object({}),
      run: (_input, ctx) => new Promise<Record<string, never>>((_resolve, reject) => {
        const stop = () => { probe.aborted.push(ctx.stepId); reject(ctx.signal.reason); };
        if (ctx.signal.aborted) stop();
        else ctx.signal.addEventListener("abort", stop, { once: true });
      }),
    }),
    defineAction({
      id: "test.sleep", title: "Sleep", description: "Waits, then returns its value.", effect: "pure",
      input: z.object({ ms: z.number().int().min(0), value: z.number().default(0) }),
      output: z.object({ value: z.number(), at: z.number() }),
      run: async ({ ms, value }, ctx) => { await sleep(ms, ctx.signal); count(probe, ctx.stepId); return { value, at: Date.now() }; },
    }),
    defineAction({
      id: "test.item", title: "Item", description: "Doubles a value after `ms`; counts its calls by value (`item:N`); fails for the probe's failing items.", effect: "pure",
      input: z.object({ value: z.number(), ms: z.number().int().min(0).default(0) }),
      output: z.object({ value: z.number(), doubled: z.number() }),
      run: async ({ value, ms }, ctx) => {
        count(probe, `item:${value}`);
        ctx.log("info", `item ${value}`);
        if (ms) await sleep(ms, ctx.signal);
        if (probe.failingItems.has(value)) throw new ActionError("item_failed", `item ${value} fails`);
        return { value, doubled: value * 2 };
      },
    }),
    defineAction({
      id: "test.noop", title: "No-op", description: "Returns at once.", effect: "pure",
      input: z.object({ value: z.unknown().optional() }), output: z.object({ ok: z.boolean() }),
      run: () => ({ ok: true }),
    }),
    defineAction({
      id: "test.add", title: "Add", description: "Adds numbers.", effect: "pure",
      input: z.object({ a: z.number(), b: z.number() }), output: z.object({ sum: z.number() }),
      run: ({ a, b }, ctx) => { count(probe, ctx.stepId); return { sum: a + b }; },
    }),
    defineAction({
      id: "test.flaky", title: "Flaky", description: "Fails with a retryable error `failures` times, then succeeds.", effect: "read",
      retry: { maxAttempts: 4, backoffMs: 10, maxBackoffMs: 50 },
      input: z.object({ failures: z.number().int() }), output: z.object({ attempts: z.number() }),
      run: ({ failures }, ctx) => {
        const seen = (probe.flaky.get(ctx.stepId) ?? 0) + 1;
        probe.flaky.set(ctx.stepId, seen);
        if (seen <= failures) throw new ActionError("unavailable", `temporarily unavailable (${seen})`, { retryable: true });
        return { attempts: ctx.attempt };
      },
    }),
    defineAction({
      id: "test.fail", title: "Fail", description: "Always fails.", effect: "pure",
      input: z.object({ message: z.string().default("boom") }), output: z.object({ never: z.boolean() }),
      run: ({ message }, ctx) => { count(probe, ctx.stepId); throw new ActionError("boom", message); },
    }),
    defineAction({
      id: "test.gate", title: "Gate", description: "Fails until the probe's gate is open.", effect: "pure",
      input: z.object({ value: z.number() }), output: z.object({ value: z.number() }),
      run: ({ value }, ctx) => { count(probe, ctx.stepId); if (!probe.gateOpen) throw new ActionError("closed", "the gate is closed"); return { value }; },
    }),
    defineAction({
      id: "test.hang", title: "Hang", description: "Never finishes and ignores its signal.", effect: "pure", timeoutMs: 150,
      input: z.object({}), output: z.object({}),
      run: () => new Promise<Record<string, never>>(() => undefined),
    }),
    defineAction({
      id: "test.bad_output", title: "Bad output", description: "Returns a value that breaks its schema.", effect: "pure",
      input: z.object({}), output: z.object({ n: z.number() }),
      run: () => ({ n: "not a number" }) as unknown as { n: number },
    }),
    defineAction({
      id: "test.write", title: "Write", description: "A write with an undo.", effect: "write",
      input: z.object({ key: z.string() }), output: z.object({ wrote: z.string() }),
      run: ({ key }, ctx) => { count(probe, ctx.stepId); return { wrote: key }; },
      undo: ({ key }) => { probe.undone.push(key); },
    }),
    defineAction({
      id: "test.unstorable", title: "Unstorable output", description: "Returns an output the database cannot store as it is, of the kind asked for.", effect: "write",
      input: z.object({ kind: z.enum(["nul", "surrogate", "nul_key", "deep", "bigint", "circular", "date", "clean"]) }),
      output: z.object({ body: z.unknown() }),
      run: ({ kind }, ctx) => {
        count(probe, ctx.stepId);
        let deep: unknown = "bottom";
        for (let i = 0; i < 150; i++) deep = { a: deep };
        const circular: Record<string, unknown> = { name: "loop" };
        circular.self = circular;
        const body = {
          nul: { text: "before\u0000after" },
          surrogate: { items: ["ok", "half \ud83d of an emoji"] },
          nul_key: { ["key\u0000"]: 1 },
          deep,
          bigint: { n: 10n ** 20n },
          circular,
          date: { when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), gone: undefined, nan: Number.NaN },
          clean: { text: "fine 😀" },
        }[kind];
        return { body };
      },
    }),
    defineAction({
      id: "test.noisy", title: "Noisy", description: "Logs and reports progress with text the database cannot store, then returns or fails with such text.", effect: "pure",
      input: z.object({ fail: z.boolean().default(false) }),
      output: z.object({ said: z.string() }),
      run: ({ fail }, ctx) => {
        count(probe, ctx.stepId);
        ctx.log("info", "a NUL \u0000 and a lone \udc00 surrogate", { ["k\u0000"]: "v\ud800", deep: { ok: true } });
        ctx.log("info", `${"x".repeat(3999)}😀 cut inside an emoji`);
        ctx.progress(1, "half done \u0000");
        if (fail) throw new ActionError("bad\u0000code", "it broke \u0000 here", { details: { why: "\ud800" } });
        return { said: "done" };
      },
    }),
    defineAction({
      id: "test.approve_me", title: "Needs approval", description: "Returns its message; always needs approval.", effect: "write", approval: true,
      input: z.object({ message: z.string() }), output: z.object({ sent: z.string() }),
      run: ({ message }, ctx) => { count(probe, ctx.stepId); return { sent: message }; },
    }),
  ];
}
