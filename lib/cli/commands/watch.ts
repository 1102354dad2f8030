import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { usageError } from "../exit-codes";
import { followAndReport } from "../run-plan";

export const watchCommand: Command = {
  name: "watch",
  summary: "Follow a run live until it ends; answer its approvals with --interactive",
  usage: ["watch <run id> [--interactive]"],
  details: ["--interactive   ask about each step that waits for approval (y / N / skip / quit)", "Exit codes as for run: 0 succeeded, 1 failed, 4 cancelled, 6 waits for approval, 7 succeeded with rejections, 8 succeeded in part."],
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { interactive: { type: "boolean" } });
    const runId = positionals[0];
    if (!runId) throw usageError(`Say which run: trellis ${this.usage[0]}`);
    const detail = await ctx.client().run(runId);
    ctx.out.progress(`${ctx.out.c.bold(`Run ${runId}`)} of "${detail.planTitle}" v${detail.versionNumber} · ${detail.run.status}`);
    const report = await followAndReport(ctx, runId, detail.plan, Boolean(values.interactive));
    ctx.out.result(report.json);
    return report.code;
  },
};
