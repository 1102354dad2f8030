/** `--input name=value` (repeatable) and `--inputs file.json`, typed by a plan's inputs. */
import { readFile } from "node:fs/promises";
import { isObject, type Plan } from "../core";
import { list } from "./args";
import { resolvePath, type Context } from "./context";
import { usageError } from "./exit-codes";
import { parsePairs, typedValues } from "./values";

export const INPUT_OPTIONS = {
  input: { type: "string", multiple: true },
  inputs: { type: "string" },
} as const;

export const INPUT_HELP = ["--input k=v      a plan input (repeatable); typed by the input's schema, JSON for objects and arrays", "--inputs F.json  plan inputs from a JSON object"];

export async function readInputs(ctx: Context, plan: Plan, values: { input?: string[]; inputs?: string }): Promise<Record<string, unknown>> {
  let fromFile: Record<string, unknown> = {};
  if (values.inputs) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(resolvePath(ctx, values.inputs), "utf8"));
    } catch (err) {
      throw usageError(`--inputs ${values.inputs}: ${(err as Error).message}`);
    }
    if (!isObject(raw)) throw usageError(`--inputs ${values.inputs} must hold a JSON object of input values.`);
    const known = new Set(plan.inputs.map((i) => i.name));
    const unknown = Object.keys(raw).filter((k) => !known.has(k));
    if (unknown.length) throw usageError(`--inputs ${values.inputs}: the plan has no input ${unknown.map((u) => `"${u}"`).join(", ")}.`);
    fromFile = raw;
  }
  return { ...fromFile, ...typedValues(parsePairs(list(values.input), "--input"), plan.inputs, "plan input", "--input") };
}
