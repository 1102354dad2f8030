/**
 * Actions whose steps run in step workers instead of the engine's thread. Each keeps its
 * description, schemas and policies; only `run`, `undo` and `preview` are sent to a worker, which builds
 * the same actions from the same module, and reads their input back and stores their answer itself
 * (`storedForm`), so a large table crosses between threads as a reference.
 */
import type { Action } from "../../core";
import { DEFAULT_LANE, type StepWorkerPool } from "./pool";

export function isolate(actions: Action[], pool: StepWorkerPool): Action[] {
  return actions.map((a) => {
    const lane = a.lane ?? DEFAULT_LANE;
    const { undo, preview } = a;
    const isolated: Action = {
      ...a,
      storedForm: true,
      run: (input, ctx) => pool.run(lane, { type: "run", actionId: a.id, input }, ctx),
      undo: undo ? async (input, output, ctx) => void (await pool.run(lane, { type: "undo", actionId: a.id, input, output }, ctx)) : undefined,
      preview: preview ? (input, ctx) => pool.run(lane, { type: "preview", actionId: a.id, input }, ctx) as ReturnType<NonNullable<Action["preview"]>> : undefined,
    };
    return isolated;
  });
}
