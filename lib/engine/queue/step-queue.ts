/**
 * The BullMQ queue of step jobs. A job is one attempt of one step of one run; its id is made of
 * the three, so handing the same attempt out twice (the reconciler, two changes that both find a
 * step ready) adds it once. Jobs leave Redis when they end: PostgreSQL holds what happened, and
 * an attempt whose job is gone while its step still waits for it is handed out again.
 *
 * A failed run that undoes its writes (rollbackOnFailure) has one job of another name on the same
 * queue (ROLLBACK_JOB, rollback-job.ts), one per run, made again by the reconciler while the run
 * has not ended. A run that re-plans on a step's failure has a replan job (REPLAN_JOB,
 * replan-job.ts), one per run and plan version, made again by the reconciler until the re-plan is
 * stored.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { StepJob } from "./advance";

export const STEP_QUEUE = "steps";
/** the name of a run's rollback job (step jobs are named "step") */
export const ROLLBACK_JOB = "rollback";
/** the name of a run's replan job (replan-job.ts) */
export const REPLAN_JOB = "replan";

/** Where the queue lives: the Redis URL and the key prefix that keeps installations (and tests) apart. */
export interface QueueConnection {
  redisUrl: string;
  /** Redis key prefix (default "trellis") */
  prefix?: string;
}

/**
 * A Redis connection for BullMQ (which takes an ioredis client; since 6.x ioredis is the
 * application's dependency). Whoever makes one closes it (`quit`) after the queue or worker.
 */
export function redisClient(c: QueueConnection): Redis {
  return new Redis(c.redisUrl, { maxRetriesPerRequest: null });
}

export function bullConnection(c: QueueConnection, client: Redis): { connection: Redis; prefix: string } {
  return { connection: client, prefix: c.prefix ?? "trellis" };
}

/** The job id of one attempt: BullMQ ids may not hold ":" nor be whole numbers. */
export function stepJobId(job: Pick<StepJob, "runId" | "stepId" | "attempt">): string {
  return `r_${job.runId}_s_${encodeURIComponent(job.stepId).replace(/:/g, "%3A")}_a_${job.attempt}`;
}

/** The id of a run's rollback job: one per run, whoever adds it. */
export function rollbackJobId(runId: string): string {
  return `r_${runId}_rollback`;
}

/** The id of a run's replan job: one per run and plan version (each re-plan changes the version), whoever adds it. */
export function replanJobId(runId: string, planVersionId: string): string {
  return `r_${runId}_replan_${encodeURIComponent(planVersionId).replace(/:/g, "%3A")}`;
}

export interface StepJobData {
  runId: string;
  stepId: string;
  attempt: number;
}

export class StepQueue {
  private readonly queue: Queue<StepJobData>;
  private readonly redis: Redis;

  constructor(c: QueueConnection) {
    this.redis = redisClient(c);
    this.queue = new Queue<StepJobData>(STEP_QUEUE, { ...bullConnection(c, this.redis) });
  }

  /** Adds the jobs (each once: a job with its id that waits, is delayed or runs is left as it is). */
  async add(jobs: readonly StepJob[]): Promise<void> {
    if (!jobs.length) return;
    await this.queue.addBulk(jobs.map((j) => ({
      name: "step",
      data: { runId: j.runId, stepId: j.stepId, attempt: j.attempt },
      opts: { jobId: stepJobId(j), delay: j.delayMs && j.delayMs > 0 ? j.delayMs : undefined, removeOnComplete: true, removeOnFail: true },
    })));
  }

  /** Adds the run's rollback job, once (one that waits or runs is left as it is); its data names only the run. */
  async addRollback(runId: string): Promise<void> {
    await this.queue.add(ROLLBACK_JOB, { runId, stepId: "", attempt: 0 }, { jobId: rollbackJobId(runId), removeOnComplete: true, removeOnFail: true });
  }

  /** Adds the run's replan job for its plan version, once; its data names only the run. */
  async addReplan(runId: string, planVersionId: string): Promise<void> {
    await this.queue.add(REPLAN_JOB, { runId, stepId: "", attempt: 0 }, { jobId: replanJobId(runId, planVersionId), removeOnComplete: true, removeOnFail: true });
  }

  /** Whether any of these jobs is still in the queue (waiting, delayed or running). */
  async anyOf(jobIds: readonly string[]): Promise<boolean> {
    for (const id of jobIds) if (await this.queue.getJob(id)) return true;
    return false;
  }

  /** Jobs waiting, delayed or running (tests, the bench). */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts("wait", "active", "delayed", "prioritized");
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.redis.quit().catch(() => undefined);
  }
}
