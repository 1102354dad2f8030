/** Every built-in action, configured. */
import type { Action } from "../core";
import { basicActions } from "./builtin-basic";
import type { BasicActionOptions } from "./options";
import { sqlActions } from "./sql";
import { llmTextActions } from "./text-llm";

export type BuiltinOptions = BasicActionOptions;

export function builtinActions(options: BuiltinOptions): Action[] {
  return [...basicActions(options), ...sqlActions(), ...llmTextActions()];
}
