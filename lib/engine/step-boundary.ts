/**
 * A step's boundary: THE ONE PLACE where a step's input, as stored (large parts as artifact
 * references), becomes what its action is given, and where an action's answer becomes what is
 * stored. The engine does both for actions in its own thread; a step worker does both for the
 * actions it runs (`storedForm`), so a large table is read, checked and written off the
 * engine's thread and only its reference crosses between threads.
 */
import { toStorable, type Action } from "../core";
import type { ArtifactStore } from "./artifact-store";

/** A step's input or output that does not fit its action's schema, or cannot be stored or read back. */
export class StepBoundaryError extends Error {
  constructor(readonly code: "input_invalid" | "output_invalid", message: string) {
    super(message);
    this.name = "StepBoundaryError";
  }
}

type Artifacts = Pick<ArtifactStore, "materialize" | "externalize">;

/** The input the action is given: the stored input read back in full and checked against the action's schema. */
export async function checkedInput(action: Pick<Action, "input">, stored: unknown, artifacts: Artifacts): Promise<unknown> {
  let input: unknown;
  try {
    input = await artifacts.materialize(stored);
  } catch (err) {
    throw new StepBoundaryError("input_invalid", `its input cannot be read back: ${(err as Error).message}`);
  }
  const parsed = action.input.safeParse(input);
  if (!parsed.success) throw new StepBoundaryError("input_invalid", zodMessage(parsed.error));
  return parsed.data;
}

/**
 * An action's answer in the form it is stored in: checked against the action's output schema,
 * storable, large parts as artifacts. What cannot be stored fails the step here, once, rather
 * than the batch it would be written in (which would stop the run and resume it to run the
 * action again).
 */
export async function storedOutput(action: Pick<Action, "output">, raw: unknown, artifacts: Artifacts, invalid = ""): Promise<unknown> {
  const out = action.output.safeParse(raw);
  if (!out.success) throw new StepBoundaryError("output_invalid", `${invalid}${zodMessage(out.error)}`);
  const stored = toStorable(out.data, "output");
  if (!stored.ok) throw new StepBoundaryError("output_invalid", `The step's output cannot be stored: ${stored.problem.message}`);
  return artifacts.externalize(stored.value).catch((err: unknown) => {
    throw new StepBoundaryError("output_invalid", `The step's output cannot be stored: ${(err as Error).message}`);
  });
}

export function zodMessage(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");
}
