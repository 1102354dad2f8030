/**
 * Following a run: live progress, and in interactive mode a question for every step that
 * waits for approval (y approve, N reject and stop the run, skip reject and go on without it
 * and what depends on it, quit cancel the run). Not interactive, it stops when the run waits
 * for a person and says how to decide.
 */
import os from "node:os";
import { applyRunEvent, emptyStepView, isObject, type Plan, type RunView } from "../core";
import type { Context } from "./context";
import { ApiError } from "./api-error";
import { ProgressPrinter } from "./progress";
import { inlineValue } from "./render";

export type FollowEnd = "succeeded" | "failed" | "cancelled" | "awaiting_approval" | "detached";

export interface FollowResult {
  end: FollowEnd;
  view: RunView;
  /** the person answered N: the run stopped (or had nothing left to do) because of it */
  stoppedByRejection: boolean;
}

type Answer = "approve" | "reject" | "skip" | "quit";

const BY = `${safeUser()} (trellis cli)`;

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "someone";
  }
}

export async function followRun(ctx: Context, runId: string, plan: Plan, options: { interactive: boolean }): Promise<FollowResult> {
  const client = ctx.client();
  const { out } = ctx;
  const { c } = out;
  const remote = client.pageUrl("/") !== undefined;
  let view: RunView = { id: runId, status: "queued", lastSeq: 0, steps: Object.fromEntries(plan.steps.map((s) => [s.id, emptyStepView()])) };
  const printer = new ProgressPrinter(out, plan, { verbose: ctx.verbose, interactive: options.interactive });
  const ac = new AbortController();
  let end: FollowEnd | undefined;
  let stoppedByRejection = false;

  let interrupt = () => {};
  // Ctrl-C also ends a question being asked, without answering it.
  const interrupted = new Promise<"interrupted">((resolve) => (interrupt = () => resolve("interrupted")));
  const stopInterrupt = ctx.interrupts.on(() => {
    interrupt();
    if (remote) {
      out.warn(c.yellow(`\nStopped following. The run goes on on the server: ${client.pageUrl(`/runs/${runId}`)} (follow it again with: trellis watch ${runId} --server ${client.where}).`));
      end = "detached";
      ac.abort();
    } else {
      out.warn(c.yellow("\nCancelling the run… (Ctrl-C again to leave at once; the run then resumes when the app starts)"));
      void client.cancel(runId).catch(() => undefined);
    }
  });

  const ask = async (stepId: string, input: unknown): Promise<void> => {
    const current = await client.run(runId);
    // Already decided: an old event replayed, or someone decided in the app meanwhile.
    if (current.steps.find((s) => s.stepId === stepId)?.status !== "awaiting_approval") return;
    const def = plan.steps.find((s) => s.id === stepId);
    out.ask(`\n${c.yellow("?")} ${c.bold(`Step "${stepId}"`)} (${def?.action ?? "?"}${def?.label ? `, "${def.label}"` : ""}) waits for approval. Its input:\n`);
    if (isObject(input)) {
      const width = Math.max(...Object.keys(input).map((k) => k.length), 1);
      for (const [k, v] of Object.entries(input)) out.ask(`    ${k.padEnd(width)}  ${inlineValue(v, 300)}\n`);
    } else out.ask(`    ${inlineValue(input, 300)}\n`);
    const answer = await Promise.race([readAnswer(ctx), interrupted]);
    if (answer === "interrupted") return;
    try {
      if (answer === "approve") await client.approve(runId, { stepId, by: BY });
      else if (answer === "skip") await client.reject(runId, { stepId, by: BY, comment: "skipped in the terminal" });
      else if (answer === "reject") {
        await client.reject(runId, { stepId, by: BY, comment: "rejected in the terminal" });
        stoppedByRejection = true;
        // Stop the rest; when the rejected step was the last one the run has just ended (409).
        await cancelQuietly(runId);
      } else await cancelQuietly(runId);
    } catch (err) {
      // Decided elsewhere between the question and the answer.
      if (err instanceof ApiError && err.status === 409) out.warn(c.dim(`  (${err.message})`));
      else throw err;
    }
  };

  const cancelQuietly = async (id: string) => {
    try {
      await client.cancel(id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) throw err;
    }
  };

  try {
    for await (const e of client.events(runId, 0, ac.signal)) {
      view = applyRunEvent(view, e);
      printer.event(e, view);
      if (e.type === "run.succeeded" || e.type === "run.failed" || e.type === "run.cancelled") {
        end = e.type === "run.succeeded" ? "succeeded" : e.type === "run.failed" ? "failed" : "cancelled";
        break;
      }
      if (e.type === "run.replanned") printer.usePlan((await client.run(runId)).plan);
      if (e.type === "run.replan_proposed") {
        const current = await client.run(runId);
        if (current.run.status !== "awaiting_approval") continue;
        out.progress(c.yellow("The run waits for a person to accept or reject the re-plan."));
        out.progress(`  Decide: POST /api/runs/${runId}/replan/decide {"decision": "accept"} (or "reject")`);
        if (remote) out.progress(`  or in the app: ${client.pageUrl(`/runs/${runId}`)}`);
        end = "awaiting_approval";
        break;
      }
      if (e.type === "step.awaiting_approval" && options.interactive && e.stepId) await ask(e.stepId, e.data.input);
      if (e.type === "run.awaiting_approval" && !options.interactive) {
        const current = await client.run(runId);
        if (current.run.status !== "awaiting_approval") continue;
        const waiting = current.steps.filter((s) => s.status === "awaiting_approval").map((s) => s.stepId);
        out.progress(c.yellow(`The run waits for a person: ${waiting.join(", ")}.`));
        out.progress(`  Decide here:   trellis watch ${runId} --interactive${remote ? ` --server ${client.where}` : ""}`);
        out.progress(`  or one step:   trellis approve ${runId} ${waiting[0]}   (or reject)`);
        if (remote) out.progress(`  or in the app: ${client.pageUrl(`/runs/${runId}`)}`);
        end = "awaiting_approval";
        break;
      }
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    ac.abort();
    stopInterrupt();
  }
  return { end: end ?? "detached", view, stoppedByRejection };
}

async function readAnswer(ctx: Context): Promise<Answer> {
  const { c } = ctx.out;
  for (let tries = 0; tries < 5; tries++) {
    const line = await ctx.prompter().ask(`  ${c.bold("Approve?")} [y]es / [N]o, reject and stop the run / [s]kip it and what depends on it / [q]uit, cancel the run: `);
    if (line === null) {
      ctx.out.warn(c.dim("  (no more input: answering N)"));
      return "reject";
    }
    const a = line.trim().toLowerCase();
    if (a === "y" || a === "yes") return "approve";
    if (a === "" || a === "n" || a === "no") return "reject";
    if (a === "s" || a === "skip") return "skip";
    if (a === "q" || a === "quit") return "quit";
    ctx.out.ask(`  Answer y, n, skip or quit.\n`);
  }
  return "reject";
}
