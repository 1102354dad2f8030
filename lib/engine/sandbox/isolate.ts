/**
 * Actions whose steps run in step workers instead of the engine's thread. Each keeps its
 * description, schemas and policies; only `run`, `undo` and `preview` are sent to a worker, which builds
 * the same actions from the same module, and reads their input back and stores their answer itself
 * (`storedForm`), so a large table crosses between threads as a reference.
 *
 * Pure, cheap work stays cheap: a step of an action that declares its work linear in its input
 * (`inlineSafe`) runs in the engine's thread when its input is small (at most
 * INLINE_INPUT_MAX_BYTES of JSON, no artifact references), at the same boundary a worker uses.
 * Its cost is then bounded by the input's size, below what a worker's round trip costs.
 */
import { artifactRefsIn, type Action, type ActionContext } from "../../core";
import { ArtifactStore, jsonLargerThan } from "../artifact-store";
import { checkedInput, storedOutput } from "../step-boundary";
import { DEFAULT_LANE, type StepWorkerPool } from "./pool";

/** The largest input (as JSON) with which a step of an `inlineSafe` action runs in the engine's thread. */
export const INLINE_INPUT_MAX_BYTES = 64 * 1024;

export function isolate(actions: Action[], pool: StepWorkerPool): Action[] {
  return actions.map((a) => {
    const lane = a.lane ?? DEFAULT_LANE;
    const { undo, preview } = a;
    const inWorker = (input: unknown, ctx: ActionContext) => pool.run(lane, { type: "run", actionId: a.id, input }, ctx);
    const isolated: Action = {
      ...a,
      storedForm: true,
      run: a.inlineSafe ? (input, ctx) => runInlineWhenCheap(a, input, ctx, inWorker) : inWorker,
      undo: undo ? async (input, output, ctx) => void (await pool.run(lane, { type: "undo", actionId: a.id, input, output }, ctx)) : undefined,
      preview: preview ? (input, ctx) => pool.run(lane, { type: "preview", actionId: a.id, input }, ctx) as ReturnType<NonNullable<Action["preview"]>> : undefined,
    };
    return isolated;
  });
}

/** A step in stored form, run here when its input is small and the action says its work on it is linear; else in a worker. */
async function runInlineWhenCheap(a: Action, stored: unknown, ctx: ActionContext, inWorker: (input: unknown, ctx: ActionContext) => Promise<unknown>): Promise<unknown> {
  if (jsonLargerThan(stored, INLINE_INPUT_MAX_BYTES) || artifactRefsIn(stored).length) return inWorker(stored, ctx);
  const artifacts = new ArtifactStore(ctx.workspaceDir);
  const input = await checkedInput(a, stored, artifacts);
  if (!a.inlineSafe!(input)) return inWorker(stored, ctx);
  return storedOutput(a, await a.run(input, ctx), artifacts);
}
