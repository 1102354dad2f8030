/**
 * Live run progress as lines: one line each time a step changes status, so it reads the same
 * on a terminal, in a pipe and in a log file.
 */
import { itemsText, progressText, rejections, runOutcome, runProgress, type Plan, type RunEvent, type RunView } from "../core";
import { describePreview } from "../core/dry-run";
import type { Output } from "./output";
import { duration, truncate } from "./render";

export class ProgressPrinter {
  private readonly width: number;
  private actionOf: Map<string, string>;

  private readonly verbose: boolean;
  private readonly interactive: boolean;

  constructor(private readonly out: Output, plan: Plan, options: { verbose: boolean; interactive: boolean }) {
    this.verbose = options.verbose;
    this.interactive = options.interactive;
    this.width = Math.max(4, ...plan.steps.map((s) => s.id.length));
    this.actionOf = new Map(plan.steps.map((s) => [s.id, s.action]));
  }

  /** A re-plan changed the steps: their actions as the run's new plan version says. */
  usePlan(plan: Plan): void {
    this.actionOf = new Map(plan.steps.map((s) => [s.id, s.action]));
  }

  private step(mark: string, id: string | undefined, text: string): void {
    if (!id) return;
    const { c } = this.out;
    this.out.progress(`  ${mark} ${id.padEnd(this.width)}  ${c.dim((this.actionOf.get(id) ?? "").padEnd(22))} ${text}`);
  }

  /** one item of a for-each step, under its step */
  private item(mark: string, id: string | undefined, index: number, text: string): void {
    if (!id) return;
    this.out.progress(`      ${mark} ${id}[${index}]  ${text}`);
  }

  event(e: RunEvent, view: RunView): void {
    const { c } = this.out;
    switch (e.type) {
      case "run.started":
        if (e.data?.resumed) this.out.progress(c.dim("  (resumed)"));
        break;
      case "step.started":
        this.step(c.cyan("●"), e.stepId, `running${e.data.attempt > 1 ? ` (attempt ${e.data.attempt})` : ""}`);
        break;
      case "step.retrying":
        this.step(c.yellow("↻"), e.stepId, `retrying in ${duration(e.data.delayMs)}: ${truncate(e.data.failure.message, 100)}`);
        break;
      case "step.succeeded": {
        const s = e.stepId ? view.steps[e.stepId] : undefined;
        const ms = e.data.ms ?? (s?.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : undefined);
        const items = s?.items ? c.dim(`  ${itemsText(s.items, s.itemCount)}`) : "";
        this.step(c.green("✓"), e.stepId, `succeeded${ms !== undefined ? c.dim(`  ${duration(ms)}`) : ""}${items}${e.data.reusedFromRunId ? c.dim(`  (reused from run ${e.data.reusedFromRunId.slice(0, 8)})`) : ""}`);
        break;
      }
      case "step.failed":
        this.step(c.red("✗"), e.stepId, `${e.data.usedFallback ? "failed, went on with its fallback" : "failed"}: ${truncate(e.data.failure.message, 160)}`);
        break;
      case "step.skipped":
        this.step(c.dim("–"), e.stepId, e.data.dryRun ? `dry run: ${e.data.dryRun.preview ? describePreview(e.data.dryRun.preview) : `${e.data.dryRun.wouldRun ? "would run" : "checked"} (${e.data.dryRun.effect})`}` : `skipped: ${e.data.reason}${e.data.cause ? ` (${e.data.cause})` : ""}`);
        break;
      case "step.cancelled":
        this.step(c.dim("■"), e.stepId, "cancelled");
        break;
      case "step.awaiting_approval":
        this.step(c.yellow("⏸"), e.stepId, "waits for approval");
        break;
      case "step.approved":
        this.step(c.green("✓"), e.stepId, `approved${e.data.by ? ` by ${e.data.by}` : ""}`);
        break;
      case "step.rejected":
        this.step(c.red("✗"), e.stepId, `rejected${e.data.by ? ` by ${e.data.by}` : ""}${e.data.comment ? `: ${e.data.comment}` : ""}`);
        break;
      case "step.undone":
        this.step(c.dim("↩"), e.stepId, e.data.ok ? "undone" : `could not be undone: ${e.data.error ?? ""}`);
        break;
      case "step.log":
        if (this.verbose || e.data.level === "warn" || e.data.level === "error") this.out.progress(c.dim(`      ${e.stepId ?? ""} [${e.data.level}] ${truncate(e.data.message, 200)}`));
        break;
      case "step.progress":
        if (this.verbose) this.out.progress(c.dim(`      ${e.stepId ?? ""} ${Math.round(e.data.fraction * 100)}%${e.data.message ? ` ${e.data.message}` : ""}`));
        break;
      case "run.awaiting_approval":
        // Interactive: each waiting step has been asked about already.
        if (!this.interactive) this.out.progress(c.yellow(`⏸ The run waits for approval of ${e.data.steps.join(", ")}.`));
        break;
      case "run.succeeded": {
        const outcome = runOutcome(view);
        const counts = c.dim(` · ${progressText(runProgress(view))}`);
        if (outcome === "clean") this.out.progress(c.green(`✓ Run succeeded${this.elapsed(view)}.`) + counts);
        else {
          this.out.progress(c.yellow(`! Run succeeded ${outcome === "with_rejections" ? "with rejections" : "in part"}${this.elapsed(view)}.`) + counts);
          for (const r of rejections(view.steps)) this.out.progress(c.yellow(`  ${r.stepId} was rejected${r.by ? ` by ${r.by}` : ""}${r.comment ? `: “${r.comment}”` : ""}`));
        }
        break;
      }
      case "run.failed":
        this.out.progress(c.red(`✗ Run failed${this.elapsed(view)}: ${e.data.failure.message}`) + c.dim(` · ${progressText(runProgress(view))}`));
        break;
      case "run.cancelled":
        this.out.progress(c.yellow(`■ Run cancelled${e.data.reason ? `: ${e.data.reason}` : ""}.`) + c.dim(` · ${progressText(runProgress(view))}`));
        break;
      case "step.item.failed":
        // an item's last failure always; one it retries after only with --verbose
        if (!e.data.retrying || this.verbose) this.item(e.data.retrying ? c.yellow("↻") : c.red("✗"), e.stepId, e.data.index, `${e.data.retrying ? "retrying" : "failed"}: ${truncate(e.data.failure.message, 160)}`);
        break;
      case "step.item.succeeded":
        if (this.verbose) this.item(c.green("✓"), e.stepId, e.data.index, `succeeded${e.data.ms !== undefined ? c.dim(`  ${duration(e.data.ms)}`) : ""}${e.data.reusedFromRunId ? c.dim("  (reused)") : ""}`);
        break;
      case "step.item.skipped":
        if (this.verbose) this.item(c.dim("–"), e.stepId, e.data.index, `skipped: ${e.data.reason}`);
        break;
      case "run.replanned":
      case "run.replan_proposed": {
        const { summary } = e.data;
        const what = [summary.changed.length && `changed ${summary.changed.join(", ")}`, summary.added.length && `added ${summary.added.join(", ")}`, summary.removed.length && `removed ${summary.removed.join(", ")}`].filter(Boolean).join("; ");
        const head = e.type === "run.replanned" ? `↺ Re-planned (${e.data.replan}, ${e.data.source}${e.data.by ? `, accepted by ${e.data.by}` : ""})` : `⏸ Re-plan ${e.data.replan} proposed (${e.data.source}), waiting for a person`;
        this.out.progress(c.yellow(`${head}: ${what || "no step changed"}`));
        this.out.progress(c.dim(`  ${truncate(e.data.reason, 240)}`));
        break;
      }
      case "run.replan_rejected":
        this.out.progress(c.red(`✗ The re-plan was rejected${e.data.by ? ` by ${e.data.by}` : ""}${e.data.comment ? `: ${e.data.comment}` : ""}.`));
        break;
      case "run.queued":
      case "step.item.started":
        break;
    }
  }

  private elapsed(view: RunView): string {
    if (!view.startedAt || !view.finishedAt) return "";
    return ` in ${duration(Date.parse(view.finishedAt) - Date.parse(view.startedAt))}`;
  }
}
