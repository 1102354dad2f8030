/** What `plan` and `templates use` do with a plan they made: save its file, offer to run it. */
import { writeFile } from "node:fs/promises";
import type { Plan } from "../core";
import { resolvePath, type Context } from "./context";
import { usageError } from "./exit-codes";

export async function savePlanFile(ctx: Context, file: string, plan: Plan): Promise<string> {
  const target = resolvePath(ctx, file);
  try {
    await writeFile(target, `${JSON.stringify(plan, null, 2)}\n`, "utf8");
  } catch (err) {
    throw usageError(`Cannot write ${file}: ${(err as Error).message}`);
  }
  ctx.out.line(ctx.out.c.dim(`Wrote the plan to ${file}.`));
  return target;
}

export async function confirmRun(ctx: Context): Promise<boolean> {
  const answer = await ctx.prompter().ask(`${ctx.out.c.yellow("?")} Run it now? [y/N] `);
  return answer !== null && /^(y|yes)$/i.test(answer.trim());
}

export function offerRun(ctx: Context, planId: string): void {
  ctx.out.line(ctx.out.c.dim(`Run it with: trellis run ${planId} [--input k=v]… [--interactive]`));
}
