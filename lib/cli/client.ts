/**
 * What a command asks of Trellis. Two implementations: `RemoteClient` talks to a running
 * Trellis over REST (and SSE for live events); `LocalClient` opens the same database as the
 * app and runs the engine in this process. Every answer is parsed with the schema the OpenAPI
 * document publishes for it, so both clients hand commands the same JSON shapes.
 */
import type { Coverage } from "../core/coverage";
import type { PlanHelp, PlanStatus } from "../planner/request";
import type { ActionSpec, Plan, PlanningEvent, RunEvent, ValidationIssue } from "../core";
import type { RunOptionsInput } from "../engine/run-options";
import type { PlanGoalRequest } from "../planner/request";
import type { FlowList, Uploaded, ImportedPlan, InstantiatedTemplate, PlanDetail as PlanDetailAnswer, RunDetail, RunList, RunStarted, TemplateDetail, TemplateList } from "../contract";
import type { SavedTemplateParam } from "../templates";
import type { MemoryList } from "../contract/memory";

export type Flows = FlowList;
export type PlanDetail = PlanDetailAnswer;
export type Imported = ImportedPlan;
export type RunInfo = RunDetail;
export type Runs = RunList;
export type Started = RunStarted;
export type Templates = TemplateList;
export type OneTemplate = TemplateDetail;
export type Instantiated = InstantiatedTemplate;

/** A planned goal, stored (ids null when nothing fits, status no_plan): what `plan` shows. */
export interface Planned {
  planId: string | null;
  versionId: string | null;
  version: number | null;
  status: PlanStatus;
  valid: boolean;
  plan: Plan;
  issues: ValidationIssue[];
  missingInputs: string[];
  coverage: Coverage;
  help?: PlanHelp;
}

export interface RunRequest {
  versionId?: string;
  inputs: Record<string, unknown>;
  options: Partial<RunOptionsInput>;
  /** uploads (uploadFile) to put into the run's workspace */
  files?: string[];
}

export interface Decision {
  stepId: string;
  by?: string;
  comment?: string;
}

export interface RunQuery {
  status?: string;
  outcome?: string;
  planId?: string;
  limit?: number;
}

export interface SaveTemplateRequest {
  planId?: string;
  plan?: Plan;
  name: string;
  description?: string;
  id?: string;
  params?: SavedTemplateParam[];
}

export interface TrellisClient {
  /** where Trellis is, for messages: a URL, or the database folder */
  readonly where: string;
  /** a browser link to a page of the app, when a server is known */
  pageUrl(path: string): string | undefined;
  /** the run's workspace folder (files its steps wrote), when it is on this machine */
  runFolder(runId: string): string | undefined;

  flows(): Promise<Flows>;
  /** every action, or a flow's actions (global ones included) */
  actions(flow?: string): Promise<ActionSpec[]>;

  planGoal(request: PlanGoalRequest, onEvent: (e: PlanningEvent) => void): Promise<Planned>;
  importPlan(plan: Plan, note?: string): Promise<Imported>;
  getPlan(planId: string): Promise<PlanDetail>;

  /** keeps a file for a run's workspace (at `name` there); its id goes into `RunRequest.files` */
  uploadFile(name: string, contentBase64: string): Promise<Uploaded>;
  startRun(planId: string, request: RunRequest): Promise<Started>;
  run(runId: string): Promise<RunInfo>;
  runs(query: RunQuery): Promise<Runs>;
  /** the run's events after `afterSeq`, then live ones, until the signal aborts or the stream ends */
  events(runId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<RunEvent>;
  approve(runId: string, decision: Decision): Promise<void>;
  reject(runId: string, decision: Decision): Promise<void>;
  cancel(runId: string): Promise<void>;
  retry(runId: string, options: { latest?: boolean }): Promise<Started>;

  /** the remembered plans planning recalls, and how many were forgotten */
  memory(): Promise<MemoryList>;
  forgetMemory(id: string): Promise<void>;

  templates(): Promise<Templates>;
  template(id: string): Promise<OneTemplate>;
  instantiate(id: string, params: Record<string, unknown>, save: boolean): Promise<Instantiated>;
  saveTemplate(request: SaveTemplateRequest): Promise<OneTemplate>;
  deleteTemplate(id: string): Promise<void>;

  close(): Promise<void>;
}
