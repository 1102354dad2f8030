/**
 * Arguments, parsed with node:util's parseArgs (strict: an unknown option is a usage error).
 * Global options are accepted before or after the command.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { usageError } from "./exit-codes";

export const GLOBAL_OPTIONS = {
  server: { type: "string" },
  json: { type: "boolean" },
  "no-color": { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCommandArgs<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(`${(err as Error).message.replace(/\. To specify a positional argument.*$/s, ".")}`);
  }
}

/** Splits the command name off: the first argument that is neither an option nor an option's value. */
export function splitCommand(argv: string[]): { command?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") break;
    if (a === "--server") {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return { command: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { rest: argv };
}

/** The value of a repeatable option, as a list. */
export function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} takes a whole number of at least 1, not "${value}".`);
  return n;
}
