/**
 * What a planning request holds and what planning returns. `PlanGoalRequest` is the one schema
 * for a goal to plan: the REST body, the server action and the stream all parse it.
 */
import { z } from "zod";
import { Coverage } from "../core/coverage";
import { PlanningEvent, PlanningSource, Usage } from "../core/events";
import { ValidationIssue } from "../core/issues";
import { JsonSchema } from "../core/json-schema";
import { Plan } from "../core/plan";
import { MemoryUse } from "./memory/remembered-plan";
import { Repair } from "./repair/context";

export const PlanConstraints = z.object({
  maxSteps: z.number().int().min(1).max(200).optional(),
  /** action ids the plan should use */
  useActions: z.array(z.string().min(1)).max(50).optional(),
  /** action ids the plan must not use */
  avoidActions: z.array(z.string().min(1)).max(200).optional(),
});
export type PlanConstraints = z.infer<typeof PlanConstraints>;

export const PlannerChoice = z.enum(["auto", "llm", "offline"]);
export type PlannerChoice = z.infer<typeof PlannerChoice>;

export const PlanGoalRequest = z.object({
  goal: z.string().min(1, "Describe the goal.").max(4000, "Keep the goal under 4,000 characters.").regex(/\S/, "Describe the goal."),
  /** flows whose actions the plan may use; none means every flow */
  flows: z.array(z.string().min(1)).max(20).optional(),
  /** values already known, by plan input name */
  inputs: z.record(z.string(), z.unknown()).optional(),
  instruction: z.string().max(4000).optional(),
  /** snippets the planner should know (a schema, a style guide, an earlier result) */
  context: z.array(z.string().max(20_000)).max(20).optional(),
  constraints: PlanConstraints.optional(),
  /** stop as soon as only plan input values are missing (no further LLM round for them) */
  allowPartial: z.boolean().optional(),
  /** LLM rounds, the first included (default 3) */
  maxAttempts: z.number().int().min(1).max(5).optional(),
  /** auto: the LLM when one is configured, else the offline planner */
  planner: PlannerChoice.optional(),
  /** plan with remembered plans (examples for the LLM, a starting point offline); default true */
  memory: z.boolean().optional(),
});
export type PlanGoalRequest = z.infer<typeof PlanGoalRequest>;

/** A plan input that still needs a value: what to ask for, and where it is used. */
export const MissingInput = z.object({
  name: z.string(),
  schema: JsonSchema,
  description: z.string().optional(),
  usedBy: z.array(z.object({ stepId: z.string(), input: z.string() })),
  /** set when a value was given but does not fit */
  problem: z.string().optional(),
});
export type MissingInput = z.infer<typeof MissingInput>;

/** What is stored with a planned version: how the plan came about. */
export const PlanningRecord = z.object({
  source: PlanningSource,
  model: z.string().optional(),
  attempts: z.number().int().min(0),
  usage: Usage,
  repairs: z.array(Repair),
  events: z.array(PlanningEvent),
  notes: z.array(z.string()).optional(),
  ms: z.number(),
  /** why planning did not produce a valid plan, when it did not */
  error: z.string().optional(),
});
export type PlanningRecord = z.infer<typeof PlanningRecord>;

/**
 * ready: valid, every part of the goal covered, nothing to ask. needs_inputs: the same, but
 * values must be given before it runs. partial: valid, but some parts nothing covers (kept as
 * a draft that names them). invalid: errors remain. no_plan: no part of the goal is covered by
 * any action, so there is no plan to present (nothing is saved).
 */
export const PlanStatus = z.enum(["ready", "needs_inputs", "partial", "invalid", "no_plan"]);
export type PlanStatus = z.infer<typeof PlanStatus>;

/** What would help with the parts nothing covers. */
export const PlanHelp = z.object({
  /** the actions that come closest, for the parts nothing covers */
  nearest: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
  /** a part needs an LLM, or the goal was planned without one: connecting one would help */
  connectLlm: z.boolean(),
  /** a part has no fitting action: a tool server (MCP) or an OpenAPI source with one would help */
  connectTools: z.boolean(),
});
export type PlanHelp = z.infer<typeof PlanHelp>;

export const PlanResult = z.object({
  plan: Plan,
  valid: z.boolean(),
  status: PlanStatus,
  issues: z.array(ValidationIssue),
  missingInputs: z.array(MissingInput),
  /** each part of the goal with the steps that do it, or why nothing does */
  coverage: Coverage,
  /** present when some part is not covered */
  help: PlanHelp.optional(),
  planning: PlanningRecord,
  /** how plan memory took part: the remembered plan it started from, or the examples the LLM saw */
  memory: MemoryUse.optional(),
});
export type PlanResult = z.infer<typeof PlanResult>;

/** The planning record as stored with a plan version: how it came about, what it covers, and what it still needs. */
export const StoredPlanning = PlanningRecord.extend({ status: PlanStatus, missingInputs: z.array(MissingInput), coverage: Coverage.optional(), help: PlanHelp.optional(), memory: MemoryUse.optional() });
export type StoredPlanning = z.infer<typeof StoredPlanning>;
