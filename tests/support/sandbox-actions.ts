/** Actions that misbehave in the ways a plan can make a step misbehave, for the step-worker tests. */
import { threadId } from "node:worker_threads";
import { z } from "zod";
import { ActionError, defineAction, requireLlm, type Action } from "@/lib/core/action";

const Any = z.unknown();

export function sandboxActions(options: { tag?: string } = {}): Action[] {
  return [
    defineAction({ id: "t.echo", title: "Echo", description: "echo", input: Any, output: Any, effect: "pure", run: (input) => ({ input, tag: options.tag, thread: threadId }) }),
    defineAction({
      id: "t.spin",
      title: "Spin",
      description: "a loop that never ends",
      input: Any,
      output: Any,
      effect: "pure",
      run: () => {
        for (;;) { /* burn CPU */ }
      },
    }),
    defineAction({
      id: "t.alloc",
      title: "Allocate",
      description: "keeps memory until the heap limit",
      input: Any,
      output: Any,
      effect: "pure",
      run: () => {
        const keep: string[][] = [];
        for (;;) keep.push(Array.from({ length: 100_000 }, (_, i) => `value ${i} ${keep.length}`));
      },
    }),
    defineAction({ id: "t.exit", title: "Exit", description: "ends its thread", input: Any, output: Any, effect: "pure", run: () => process.exit(3) }),
    defineAction({
      id: "t.fail",
      title: "Fail",
      description: "throws a typed error",
      input: Any,
      output: Any,
      effect: "pure",
      run: () => {
        throw Object.assign(new ActionError("rate_limited", "slow down", { retryable: true, details: { status: 429 } }), { retryAfterMs: 1500 });
      },
    }),
    defineAction({
      id: "t.talk",
      title: "Talk",
      description: "logs, reports progress and asks the LLM",
      input: Any,
      output: Any,
      effect: "pure",
      run: async (_input, ctx) => {
        ctx.log("info", "hello from the worker", { n: 1 });
        ctx.progress(0.5, "half");
        const deltas: string[] = [];
        const answer = await requireLlm(ctx).complete({ prompt: "say hi", onDelta: (t) => deltas.push(t) });
        ctx.reportUsage?.({ promptTokens: 3, completionTokens: 2 });
        return { answer: answer.text, deltas, key: ctx.idempotencyKey };
      },
    }),
    defineAction({ id: "t.count", title: "Count", description: "typed both ways", input: z.object({ n: z.number() }), output: z.object({ n: z.number() }), effect: "pure", run: ({ n }) => ({ n: n === 13 ? ("thirteen" as unknown as number) : n + 1 }) }),
    defineAction({ id: "t.rows", title: "Rows", description: "a large table, and its size when given one", input: z.object({ rows: z.number().optional(), table: z.array(z.unknown()).optional() }), output: z.object({ table: z.array(z.unknown()).optional(), got: z.number().optional() }), effect: "pure", run: ({ rows, table }) => (table ? { got: table.length } : { table: Array.from({ length: rows ?? 0 }, (_, i) => ({ i, text: `row ${i}` })) }) }),
    defineAction({ id: "t.unsendable", title: "Unsendable", description: "returns a function", input: Any, output: Any, effect: "pure", run: () => ({ f: () => 1 }) as never }),
  ];
}

