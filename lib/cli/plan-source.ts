/**
 * A plan named on the command line: a stored plan's id, a plan file (any form of
 * lib/contract/plan-file: the plan IR, an exported version, or the compact text form with
 * `${inputs.x}` bindings), or `-` for stdin.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Plan } from "../core";
import { readPlanFile } from "../contract/plan-file";
import type { PlanDetail } from "./client";
import { resolvePath, type Context } from "./context";
import { CliError, ExitCode, usageError } from "./exit-codes";

export const PLAN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PlanSource = { kind: "stored"; planId: string; detail: PlanDetail; plan: Plan } | { kind: "file"; name: string; plan: Plan };

async function readText(ctx: Context, arg: string): Promise<string> {
  if (arg === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(resolvePath(ctx, arg), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw usageError(`There is no file "${arg}" (and it is not a plan id).`);
    throw usageError(`Cannot read "${arg}": ${(err as Error).message}`);
  }
}

/** Parses plan text; what is not a plan is an invalid plan (exit 3) naming the problem. */
export function parsePlanText(text: string, name: string): Plan {
  const read = readPlanFile(text, { name });
  if (!read.ok) throw new CliError(ExitCode.invalidPlan, read.error.message, read.error.issues ? { issues: read.error.issues } : undefined);
  return read.plan;
}

export async function loadPlan(ctx: Context, arg: string | undefined, usage: string): Promise<PlanSource> {
  if (!arg) throw usageError(`Say which plan: ${usage}`);
  if (PLAN_ID.test(arg)) {
    const detail = await ctx.client().getPlan(arg);
    return { kind: "stored", planId: arg, detail, plan: detail.latest.plan };
  }
  const name = arg === "-" ? "stdin" : path.basename(arg);
  return { kind: "file", name, plan: parsePlanText(await readText(ctx, arg), name) };
}
