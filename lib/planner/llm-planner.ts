/**
 * Planning with an LLM: ask for a wire plan with structured output, read it (JSON found in
 * free text, near-miss shapes accepted), convert it to the Plan IR, validate, repair what is
 * mechanical, and, while errors remain and attempts are left, ask again with the structured
 * issues and their candidates. The best plan seen is kept, valid or not.
 */
import type { ActionSpec, LlmClient, TokenUsage } from "../core/action";
import type { Catalog } from "../core/catalog";
import { countByCode, type ValidationIssue } from "../core/issues";
import type { Plan } from "../core/plan";
import { validatePlan } from "../core/validate-plan";
import { extractJson } from "../llm/extract-json";
import { buildPlanPrompt, buildRepairPrompt, type PreviousAttempt, type PromptInput } from "./prompt";
import type { PlanningLog } from "./planning-log";
import { repairPlan, type Repair } from "./repair/repair-plan";
import { readAnswer, wireConditionIssues, wireToPlan, wirePlanJsonSchema, type WireCoverage } from "./wire-plan";

export interface LlmPlanningInput {
  llm: LlmClient;
  catalog: Catalog;
  /** the actions offered in the prompt (retrieved from the catalog when it is large) */
  actions: readonly ActionSpec[];
  prompt: Omit<PromptInput, "actions">;
  flows: string[];
  given: Record<string, unknown>;
  maxAttempts: number;
  allowPartial: boolean;
  maxSteps?: number;
  log: PlanningLog;
  signal?: AbortSignal;
}

export interface LlmPlanningOutcome {
  /** the best plan seen; undefined when no answer could be read as a plan */
  plan?: Plan;
  issues: ValidationIssue[];
  repairs: Repair[];
  /** what the answer of the best plan claims it covers (unchecked; see coverage.ts) */
  coverage: WireCoverage[];
  attempts: number;
  usage: TokenUsage;
  /** set when the provider failed in a way more attempts cannot fix */
  fatal?: string;
  lastError?: string;
}

/** Provider errors that another attempt will not fix. */
const FATAL = new Set(["unauthorized", "not_found", "bad_request", "aborted"]);
const PROGRESS_EVERY_MS = 250;

export async function planWithLlm(input: LlmPlanningInput): Promise<LlmPlanningOutcome> {
  const { llm, log } = input;
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  const schema = wirePlanJsonSchema(input.actions.map((a) => a.id));
  const promptInput: PromptInput = { ...input.prompt, actions: input.actions };
  let previous: PreviousAttempt | undefined;
  let best: { plan: Plan; issues: ValidationIssue[]; errors: number; repairs: Repair[]; coverage: WireCoverage[]; unreadable: ValidationIssue[] } | undefined;
  let lastError: string | undefined;
  let attempt = 0;

  while (attempt < input.maxAttempts) {
    attempt++;
    if (input.signal?.aborted) return outcome({ fatal: "Planning was cancelled." });
    const last = attempt === input.maxAttempts;
    const { system, prompt } = previous ? buildRepairPrompt(promptInput, previous) : buildPlanPrompt(promptInput);
    const mode = (llm as { structuredMode?: string }).structuredMode ?? "json_schema";
    log.emit("planning.llm_request", { attempt, mode, actions: input.actions.length, promptChars: system.length + prompt.length, repair: previous !== undefined });
    const started = Date.now();
    let chars = 0;
    let lastTick = 0;
    let reply: Awaited<ReturnType<LlmClient["complete"]>>;
    try {
      reply = await llm.complete({
        system,
        prompt,
        jsonSchema: { name: "plan", schema },
        signal: input.signal,
        onDelta: (text) => {
          chars += text.length;
          const now = Date.now();
          if (now - lastTick >= PROGRESS_EVERY_MS) {
            lastTick = now;
            log.emit("planning.llm_progress", { attempt, chars }, { store: false });
          }
        },
        onRetry: (r) => {
          chars = 0;
          log.emit("planning.llm_retry", { attempt, retry: r.retry, delayMs: r.delayMs, reason: r.reason });
        },
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = (err as { code?: string }).code;
      log.emit("planning.llm_response", { attempt, ms: Date.now() - started, ok: false, error: message });
      lastError = message;
      if (code && FATAL.has(code)) return outcome({ fatal: message });
      previous = undefined;
      continue;
    }
    if (reply.usage) {
      usage.promptTokens += reply.usage.promptTokens;
      usage.completionTokens += reply.usage.completionTokens;
    }
    log.emit("planning.llm_response", { attempt, ms: Date.now() - started, ok: true, ...(reply.usage ? { usage: reply.usage } : {}), ...(reply.mode ? { mode: reply.mode } : {}) });

    const found = extractJson(reply.text);
    const read = found.ok ? readAnswer(found.value, input.catalog) : undefined;
    if (!found.ok || !read?.ok) {
      const error = !found.ok ? found.error : read && !read.ok ? read.error : "the answer is not a plan";
      lastError = `Answer ${attempt}: ${error}`;
      log.emit("planning.validation", { attempt, errors: 1, warnings: 0, codes: { unreadable_answer: 1 }, stage: "answer" });
      previous = { error, raw: found.ok ? undefined : found.raw, issues: [], repairs: [] };
      continue;
    }
    const plan = wireToPlan(read.wire, { goal: input.prompt.goal, flows: input.flows, catalog: input.catalog, given: input.given });
    // a condition that does not parse: the parser's own words, for the model to fix it (the plan holds a stand-in that does not validate)
    const unreadable = wireConditionIssues(read.wire);
    const checked = validatePlan(plan, input.catalog, { maxSteps: input.maxSteps });
    log.emit("planning.validation", { attempt, ...counts([...unreadable, ...checked.issues]), stage: "answer" });

    // Before the last attempt, missing values go back to the model (it may find them in the
    // goal); on the last one, or when partial plans are fine, they become plan inputs.
    const repaired = repairPlan(plan, input.catalog, { lossy: last, planInputs: last || input.allowPartial, maxSteps: input.maxSteps });
    const issues = [...unreadable, ...repaired.issues];
    if (repaired.repairs.length) {
      log.emit("planning.repair", { attempt, repairs: repaired.repairs.map((r) => r.message) });
      log.emit("planning.validation", { attempt, ...counts(issues), stage: "repaired" });
    }
    const errors = issues.filter((i) => i.severity === "error").length;
    if (!best || errors <= best.errors) best = { plan: repaired.plan, issues, errors, repairs: repaired.repairs, coverage: read.wire.coverage, unreadable };
    if (errors === 0) break;
    previous = { plan: repaired.plan, issues, repairs: repaired.repairs };
  }

  // Out of attempts with errors left: one last lossy repair of the best plan, without the model.
  if (best && best.errors > 0) {
    const final = repairPlan(best.plan, input.catalog, { lossy: true, planInputs: true, maxSteps: input.maxSteps });
    if (final.repairs.length) {
      log.emit("planning.repair", { attempt, repairs: final.repairs.map((r) => r.message) });
      log.emit("planning.validation", { attempt, ...counts(final.issues), stage: "repaired" });
      const issues = [...best.unreadable, ...final.issues];
      best = { plan: final.plan, issues, errors: issues.filter((i) => i.severity === "error").length, repairs: [...best.repairs, ...final.repairs], coverage: best.coverage, unreadable: best.unreadable };
    }
  }
  return outcome({});

  function outcome(extra: { fatal?: string }): LlmPlanningOutcome {
    return { plan: best?.plan, issues: best?.issues ?? [], repairs: best?.repairs ?? [], coverage: best?.coverage ?? [], attempts: attempt, usage, lastError, ...extra };
  }
}

function counts(issues: readonly ValidationIssue[]) {
  return {
    errors: issues.filter((i) => i.severity === "error").length,
    warnings: issues.filter((i) => i.severity === "warning").length,
    codes: countByCode(issues),
  };
}
