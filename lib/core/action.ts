/**
 * What an action is. `defineAction` keeps the zod schemas (for runtime checks) and
 * the run function; `ActionSpec` is the serializable description of it (JSON Schema,
 * no functions) that travels to the browser, the prompt and the validator.
 */
import { z } from "zod";
import type { DryRunPreview } from "./dry-run";
import { JsonSchema, toJsonSchema } from "./json-schema";

export const Effect = z.enum(["pure", "read", "write"]);
export type Effect = z.infer<typeof Effect>;

export const RetryPolicy = z.object({
  /** total attempts, the first one included */
  maxAttempts: z.number().int().min(1).max(20),
  backoffMs: z.number().int().min(0).max(600_000).optional(),
  maxBackoffMs: z.number().int().min(0).max(3_600_000).optional(),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const ActionSpec = z.object({
  id: z.string().min(1),
  version: z.number().int().min(1),
  title: z.string(),
  description: z.string(),
  flows: z.array(z.string()),
  effect: Effect,
  input: JsonSchema,
  output: JsonSchema,
  timeoutMs: z.number().int().positive(),
  retry: RetryPolicy,
  approval: z.boolean(),
  /** where the action came from: built in, an imported catalog, a saved plan */
  source: z.string().optional(),
  /** true when it calls an LLM provider */
  usesLlm: z.boolean().optional(),
  /** true when its steps may send data outside Trellis (a network request, an LLM call, an MCP tool): "approve outgoing calls" holds them */
  egress: z.boolean().optional(),
  /** why the action cannot run now (its MCP server is down); absent when it can */
  unavailable: z.string().optional(),
});
export type ActionSpec = z.infer<typeof ActionSpec>;

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** How a provider obtained a JSON answer: enforced schema, JSON mode, or JSON found in free text. */
export type StructuredMode = "json_schema" | "json_object" | "text";

/** What an LLM-backed action may ask of the configured provider. */
export interface LlmClient {
  readonly model: string;
  complete(request: {
    system?: string;
    prompt: string;
    /** when given, the answer must be JSON that fits this schema */
    jsonSchema?: { name: string; schema: JsonSchema };
    signal?: AbortSignal;
    /** called with each piece of the answer as it arrives, when the provider can stream */
    onDelta?(text: string): void;
    /** called before the provider retries a failed call (rate limit, server error, timeout) */
    onRetry?(info: { retry: number; delayMs: number; reason: string }): void;
  }): Promise<{ text: string; usage?: TokenUsage; mode?: StructuredMode }>;
}

export interface ActionContext {
  signal: AbortSignal;
  /** how long this attempt may run (the step's timeoutMs, else the action's); `signal` aborts when it is up */
  timeoutMs?: number;
  log(level: LogLevel, message: string, data?: unknown): void;
  /** fraction in [0, 1] */
  progress(fraction: number, message?: string): void;
  runId: string;
  stepId: string;
  attempt: number;
  /** stable across attempts and crash restarts of the same step in the same run */
  idempotencyKey: string;
  /** the run's own folder; file actions stay inside it */
  workspaceDir: string;
  /** the configured LLM provider, absent when none is configured */
  llm?: LlmClient;
  /** token usage reported by the action, summed into the step's usage */
  reportUsage?(usage: TokenUsage): void;
  /**
   * Stops the step's clock while what will run it is not ready yet (a step worker starting, or
   * every worker busy), so a timeout measures the step's own work; the function it returns
   * starts the clock again with the time that was left. Absent when nothing can hold it.
   */
  holdClock?(): () => void;
}

export interface ActionDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  id: string;
  version?: number;
  title: string;
  description: string;
  flows?: string[];
  input: I;
  output: O;
  effect: Effect;
  timeoutMs?: number;
  retry?: RetryPolicy;
  approval?: boolean;
  usesLlm?: boolean;
  /**
   * Its steps send data outside Trellis: a network request (reads too: the URL and headers
   * leave), an LLM call (the prompt goes to the provider), an MCP tool (another program). The
   * run option `approveOutgoing` holds such steps for a person. A function decides per input
   * (data.load_csv reaches out only for a URL); the spec then says `egress: true` (it may).
   * Default: true for actions that use an LLM, else false.
   */
  egress?: boolean | ((input: z.output<I>) => boolean);
  source?: string;
  /**
   * Where the action runs when steps are isolated: actions that share state inside their worker
   * (the sample database) name one lane and run one at a time in it; others share the default lane.
   */
  lane?: string;
  /**
   * Set on actions whose steps run in step workers: `run` and `preview` take the step's input as
   * it is stored (artifact references in place of large parts, not yet checked) and answer in
   * stored form (checked, storable, large parts as artifacts), the worker doing both
   * (lib/engine/step-boundary.ts) so that large values never cross to the engine's thread.
   */
  storedForm?: boolean;
  /**
   * For a pure action, whether its work on this input grows at most linearly with the input's
   * size (no user-given regular expression, no loop the input can make longer than itself, no
   * I/O). A step of such an action whose input is small runs in the engine's thread even when
   * steps are isolated: a step worker's round trip would cost more than the work.
   */
  inlineSafe?(input: z.output<I>): boolean;
  run(input: z.output<I>, ctx: ActionContext): Promise<z.input<O>> | z.input<O>;
  /** compensating action for rollback of a completed `write` step */
  undo?(input: z.output<I>, output: z.output<O>, ctx: ActionContext): Promise<void> | void;
  /**
   * What a dry run does instead of `run`: describe the effect without acting, and give the
   * output the step would have when it can be known (so the steps after it are resolved
   * and checked too). Write actions implement it; a read action may, to avoid its read.
   */
  preview?(input: z.output<I>, ctx: ActionContext): Promise<ActionPreview<z.input<O>>> | ActionPreview<z.input<O>>;
  /**
   * The workspace files a completed step produced, named from its output: a retried run
   * that reuses the step gets exactly these files from the run it retries.
   */
  files?(output: z.output<O>): WrittenFile[];
}

export interface ActionPreview<O = unknown> {
  effect: DryRunPreview;
  /** the output the step would have, when it can be known without acting */
  output?: O;
}

export interface WrittenFile {
  /** workspace-relative */
  path: string;
  /** its size when the step wrote it, to tell it from a later change */
  bytes?: number;
}

export interface Action<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType>
  extends ActionDefinition<I, O> {
  readonly version: number;
  readonly spec: ActionSpec;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 1, backoffMs: 500, maxBackoffMs: 30_000 };

export function defineAction<I extends z.ZodType, O extends z.ZodType>(def: ActionDefinition<I, O>): Action<I, O> {
  const version = def.version ?? 1;
  const spec: ActionSpec = {
    id: def.id,
    version,
    title: def.title,
    description: def.description,
    flows: def.flows ?? [],
    effect: def.effect,
    input: toJsonSchema(def.input),
    output: toJsonSchema(def.output),
    timeoutMs: def.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: def.retry ?? DEFAULT_RETRY,
    approval: def.approval ?? false,
    source: def.source ?? "builtin",
    usesLlm: def.usesLlm ?? false,
    egress: def.egress === undefined ? def.usesLlm === true : def.egress !== false,
  };
  return { ...def, version, spec };
}

/**
 * Whether a step of this action with this input sends data outside Trellis. The input is the
 * step's resolved input before the action's schema has checked it: when the action's own
 * decision cannot read it, the step counts as outgoing.
 */
export function sendsOutside(action: Pick<Action, "spec"> & { egress?: ActionDefinition["egress"] }, input: unknown): boolean {
  if (!action.spec.egress) return false;
  if (typeof action.egress !== "function") return true;
  try {
    return action.egress(input) !== false;
  } catch {
    return true;
  }
}

/**
 * The error an action throws to say how it failed. Anything else thrown by `run`
 * is treated as a non-retryable action error.
 */
export class ActionError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details?: unknown;
  /** how long to wait before the next attempt, when the action knows (an HTTP Retry-After); the engine's backoff honours it */
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, options: { retryable?: boolean; details?: unknown; cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = "ActionError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    if (options.retryAfterMs !== undefined && Number.isFinite(options.retryAfterMs)) this.retryAfterMs = Math.max(0, Math.round(options.retryAfterMs));
  }
}

export function requireLlm(ctx: ActionContext): LlmClient {
  if (!ctx.llm) {
    throw new ActionError(
      "llm_not_configured",
      "This step needs an LLM provider and none is configured. Set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server) and run it again.",
    );
  }
  return ctx.llm;
}
