import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { ExitCode } from "../exit-codes";
import { table, truncate } from "../render";

export const actionsCommand: Command = {
  name: "actions",
  summary: "List the actions plans can use, by flow",
  usage: ["actions [--flow F]"],
  details: ["--flow F   only the actions of flow F (global actions included)", "--json     the action specs, with input and output JSON Schemas"],
  async run(ctx, argv) {
    const { values } = parseCommandArgs(argv, { flow: { type: "string" } });
    const actions = await ctx.client().actions(values.flow);
    ctx.out.result({ actions });
    const { c } = ctx.out;
    const groups = new Map<string, typeof actions>();
    for (const a of actions) for (const f of a.flows.length ? a.flows : ["global"]) groups.set(f, [...(groups.get(f) ?? []), a]);
    for (const [flow, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      if (values.flow && flow !== values.flow && flow !== "global") continue;
      ctx.out.line(c.bold(`${flow} · ${list.length} action${list.length === 1 ? "" : "s"}`));
      const rows = list.map((a) => {
        const flags = [a.effect, a.approval ? "approval" : "", a.usesLlm ? "LLM" : ""].filter(Boolean).join(", ");
        return [`  ${c.cyan(a.id)}`, c.dim(flags), truncate(a.title, 70)];
      });
      for (const l of table(rows, c)) ctx.out.line(l);
      ctx.out.line();
    }
    ctx.out.line(c.dim(`${actions.length} actions. Details and JSON Schemas: trellis actions --json`));
    return ExitCode.ok;
  },
};
