import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import type { Context } from "../context";
import { ExitCode, usageError } from "../exit-codes";
import { table, truncate } from "../render";

async function listMemory(ctx: Context, origin?: string): Promise<number> {
  const all = await ctx.client().memory();
  const items = origin ? all.items.filter((i) => i.origin === origin) : all.items;
  ctx.out.result({ items, forgotten: all.forgotten });
  const { c } = ctx.out;
  if (!items.length) {
    ctx.out.line(origin === "run" || !origin ? "No plan is remembered from a run yet: a plan version is remembered once it runs to a clean success." : "Nothing remembered.");
  } else {
    const rows = items.map((i) => [c.cyan(i.id), c.dim(i.origin), truncate(i.goal, 60), c.dim(truncate(i.actions.join(" → "), 50))]);
    for (const l of table(rows, c, ["id", "from", "goal", "actions"])) ctx.out.line(l);
  }
  ctx.out.line(c.dim(`\n${all.forgotten} forgotten. Forget one: trellis memory forget <id>`));
  return ExitCode.ok;
}

export const memoryCommand: Command = {
  name: "memory",
  summary: "List the plans planning remembers, or forget one",
  usage: ["memory [list] [--runs | --templates]", "memory forget <id>"],
  details: [
    "Planning starts from (offline) or shows the LLM the remembered plans nearest a goal: plan versions",
    "that ran to a clean success (version:<id>) and templates (template:<id>).",
    "--runs / --templates   only those remembered from runs / only templates",
    "forget: planning no longer recalls it, even after another clean run; the plan itself is kept.",
  ],
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { runs: { type: "boolean" }, templates: { type: "boolean" } });
    const sub = positionals[0] ?? "list";
    switch (sub) {
      case "list":
        if (values.runs && values.templates) throw usageError("Give --runs or --templates, not both.");
        return listMemory(ctx, values.runs ? "run" : values.templates ? "template" : undefined);
      case "forget": {
        const id = positionals[1];
        if (!id) throw usageError("Say which remembered plan: trellis memory forget <id> (the ids trellis memory lists, such as version:<id>).");
        await ctx.client().forgetMemory(id);
        ctx.out.result({ forgotten: id });
        ctx.out.line(`Forgot ${id}: planning no longer recalls it. The plan itself is kept.`);
        return ExitCode.ok;
      }
      default:
        throw usageError(`memory takes list or forget, not "${sub}".`);
    }
  },
};
