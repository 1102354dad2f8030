/**
 * The BUILT app for contract tests (scripts/bench/app-server.ts startApp), patient with a
 * loaded machine, and warning when the sources are newer than the build. It needs `.next`:
 * run `npx next build` first.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createClient, type TrellisApi } from "../../lib/contract/client";
import type { Step } from "../../lib/core";
import { startApp } from "../../scripts/bench/app-server";

export const NEEDS_BUILD = "These tests run against the built app: run `npx next build` first (then rerun them).";
const START_TIMEOUT_MS = 120_000;

/** The newest modification time of the sources the build is made of. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "generated" || e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : /\.(ts|tsx|css)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

/** `env`: more settings for the app (TRELLIS_MCP_CONFIG, ...). */
export type BuiltApp = { baseUrl: string; dataDir: string; stop(): Promise<void> };

export async function startBuiltApp(options: { env?: Record<string, string>; host?: string } = {}): Promise<BuiltApp> {
  const buildId = path.join(process.cwd(), ".next", "BUILD_ID");
  if (!existsSync(buildId)) throw new Error(`.next is missing. ${NEEDS_BUILD}`);
  const built = statSync(buildId).mtimeMs;
  if (["app", "lib", "components"].some((d) => newestSource(path.join(process.cwd(), d)) > built)) {
    console.warn("\n⚠ Sources changed after the last `npx next build`: these tests run the older build.\n");
  }
  try {
    return await startApp({ timeoutMs: START_TIMEOUT_MS, checkAnswers: true, env: options.env, host: options.host });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${NEEDS_BUILD}`);
  }
}

/** Plans of `steps` imported and run through the API of a built app, and what their runs became. */
export function runsThrough(api: TrellisApi) {
  const detail = (runId: string) => api.call("getRun", { params: { id: runId } });
  return {
    async start(steps: Step[], options: Record<string, unknown> = {}): Promise<string> {
      const { planId } = await api.call("importPlan", { body: { plan: { goal: "a test plan", flows: [], inputs: [], outputs: {}, steps } } });
      return (await api.call("startRun", { params: { id: planId }, body: { options } })).runId;
    },
    detail,
    stepOf: async (runId: string, stepId: string) => (await detail(runId)).steps.find((s) => s.stepId === stepId)!,
    ended: async (runId: string) => ["succeeded", "failed", "cancelled"].includes((await detail(runId)).run.status),
  };
}

/** For a test file: the built app started before its tests and stopped after them, with a typed client and runsThrough. */
export function builtAppForSuite(): { readonly app: BuiltApp; readonly api: TrellisApi; readonly runs: ReturnType<typeof runsThrough> } {
  let started: { app: BuiltApp; api: TrellisApi; runs: ReturnType<typeof runsThrough> } | undefined;
  beforeAll(async () => {
    const app = await startBuiltApp();
    const api = createClient({ baseUrl: app.baseUrl });
    started = { app, api, runs: runsThrough(api) };
  }, 180_000);
  afterAll(async () => { await started?.app.stop(); });
  const open = () => {
    if (!started) throw new Error("the built app is started in beforeAll");
    return started;
  };
  return { get app() { return open().app; }, get api() { return open().api; }, get runs() { return open().runs; } };
}
