/** Every built-in action, configured. */
import type { Action } from "../core";

export interface BuiltinOptions {
  httpAllowHosts: string[];
}

export function builtinActions(_options: BuiltinOptions): Action[] {
  return [];
}
