/**
 * Trellis as an MCP server (streamable HTTP at /api/mcp): MCP clients (desktop assistants,
 * IDEs, agents) plan a goal, run a saved plan with inputs, read a run's status and outputs, and
 * approve or reject a waiting step. Stateless: each request gets its own server and transport
 * (the SDK's web-standard one), answered as JSON. Every tool calls the same lib/server
 * functions as the REST routes, so access and validation are theirs. With accounts on, a request
 * needs a session or an API token (401 otherwise), and each tool needs the permission of its REST
 * operation (plan_goal: edit, run_plan: run, get_run: read, approve/reject_step: approve), and
 * plan_goal and run_plan count against the caller's limits as their REST operations do (lib/server/limits).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { StartRunBody, type RunDetail } from "../contract/runs";
import { TrellisError } from "../core/errors";
import { planAndSave, plannedSummary } from "./planning";
import { approveStep, rejectStep, runDetail, startRun } from "./runs";
import { getTrellis } from "./trellis";
import type { Actor, Permission } from "../contract/access";
import { authorize } from "./auth/access";
import { forbidden } from "./auth/accounts";
import { errorResponse, refuseCrossSite } from "./route";
import { publishedPlans } from "./plan-publishing";
import { serverLog } from "./log";
import { redactSecrets, redactText } from "./connections/redaction";
import { enforceLimit } from "./limits";
import type { Limit } from "../contract/operation";

/** How long run_plan waits for a run to end (or to wait for a person) before it answers with the run as it is. */
const RUN_WAIT_MS = 120_000;

export async function handleMcpRequest(request: Request): Promise<Response> {
  let actor: Actor;
  try {
    refuseCrossSite(request, { method: "POST" });
    actor = await authorize(request.headers, "read");
  } catch (err) {
    return errorResponse(err, "POST /api/mcp");
  }
  const server = trellisMcpServer(actor);
  await addPublishedPlans(server, actor);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    await server.close().catch(() => undefined);
  }
}

function answer(raw: Record<string, unknown>): CallToolResult {
  // Like every API answer: no secret value of a connection goes out.
  const value = redactSecrets(raw);
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

/** A refused request (unknown plan, invalid inputs, a limit reached, ...) is the tool's error, with the reason; anything else is Trellis's. */
async function tool(actor: Actor, permission: Permission, fn: () => Promise<Record<string, unknown>>, limit?: Limit): Promise<CallToolResult> {
  try {
    if (!actor.permissions.includes(permission)) throw forbidden(actor, permission);
    await enforceLimit(limit, actor);
    return answer(await fn());
  } catch (err) {
    if (TrellisError.isInstance(err)) return { isError: true, content: [{ type: "text", text: redactText((err as Error).message) }] };
    throw err;
  }
}

function runSummary(d: RunDetail): Record<string, unknown> {
  return {
    runId: d.run.id,
    status: d.run.status,
    outputs: d.run.outputs ?? null,
    failure: d.run.failure ?? null,
    steps: d.steps.map((s) => ({ stepId: s.stepId, status: s.status, ...(s.failure ? { failure: s.failure.message } : {}) })),
    url: `/runs/${d.run.id}`,
  };
}

function trellisMcpServer(actor: Actor): McpServer {
  const server = new McpServer({ name: "trellis", version: "0.1.0" });

  server.registerTool(
    "plan_goal",
    {
      title: "Plan a goal",
      description: "Plans a goal as a typed plan over Trellis's actions and saves it. Answers the plan's id, whether it is ready to run, its steps, what it covers of the goal and what is missing. When no action does any part of the goal, nothing is saved (planId null, status no_plan).",
      inputSchema: { goal: z.string().min(1).describe("what should be done"), flows: z.array(z.string()).optional().describe("flows whose actions the plan may use; none means every flow") },
      annotations: { readOnlyHint: false, destructiveHint: false },
    },
    ({ goal, flows }) =>
      tool(actor, "edit", async () => {
        const saved = await planAndSave({ goal, flows });
        const r = saved.result;
        return {
          ...plannedSummary(saved),
          steps: r.plan.steps.map((s) => ({ id: s.id, action: s.action })),
          inputs: r.plan.inputs.map((i) => i.name),
          missingInputs: r.missingInputs.map((m) => m.name),
          issues: r.issues.filter((i) => i.severity === "error").map((i) => i.message),
          coverage: r.coverage.parts.map((p) => ({ part: p.text, steps: p.steps, ...(p.uncovered ? { uncovered: p.uncovered.reason, why: p.uncovered.message } : {}) })),
        };
      }, "planning"),
  );

  server.registerTool(
    "run_plan",
    {
      title: "Run a saved plan",
      description: `Runs the latest version of a saved plan with the given inputs and, unless wait is false, waits (up to ${RUN_WAIT_MS / 1000} s) until it ends or waits for a person's approval. Answers the run's status and outputs.`,
      inputSchema: { planId: z.string().min(1), inputs: z.record(z.string(), z.unknown()).optional().describe("the plan's inputs by name"), wait: z.boolean().optional() },
      annotations: { readOnlyHint: false, destructiveHint: true },
    },
    ({ planId, inputs, wait }) =>
      tool(actor, "run", async () => {
        const { runId } = await startRun(planId, StartRunBody.parse({ inputs }));
        if (wait !== false) await (await getTrellis()).engine.wait(runId, { untilApproval: true, timeoutMs: RUN_WAIT_MS }).catch(() => undefined);
        return runSummary(await runDetail(runId));
      }, "runs"),
  );

  server.registerTool(
    "get_run",
    {
      title: "A run's status and outputs",
      description: "Answers a run's status, outputs, failure and the status of each step.",
      inputSchema: { runId: z.string().min(1) },
      annotations: { readOnlyHint: true },
    },
    ({ runId }) => tool(actor, "read", async () => runSummary(await runDetail(runId))),
  );

  for (const decision of ["approve", "reject"] as const) {
    server.registerTool(
      `${decision}_step`,
      {
        title: decision === "approve" ? "Approve a waiting step" : "Reject a waiting step",
        description: decision === "approve" ? "Approves a step that waits for a person; the run goes on." : "Rejects a step that waits for a person; the steps that depend on it are skipped.",
        inputSchema: { runId: z.string().min(1), stepId: z.string().min(1), comment: z.string().max(2000).optional() },
        annotations: { readOnlyHint: false, destructiveHint: decision === "approve" },
      },
      ({ runId, stepId, comment }) =>
        tool(actor, "approve", async () => {
          await (decision === "approve" ? approveStep : rejectStep)(runId, { stepId, comment }, actor);
          return { ok: true, runId, stepId, decision };
        }),
    );
  }
  return server;
}

/**
 * Each published plan (not archived) as a tool of its own, named from its slug: its inputs are the
 * tool's input schema, its outputs the tool's output schema; a call runs the plan's latest version
 * (permission `run`) and answers its outputs, or its failure as the tool's error. A plan whose
 * schemas cannot be converted is left out, with a line in the server's log.
 */
async function addPublishedPlans(server: McpServer, actor: Actor): Promise<void> {
  let plans: Awaited<ReturnType<typeof publishedPlans>>;
  try {
    plans = await publishedPlans();
  } catch (err) {
    serverLog().error(`/api/mcp: the published plans could not be read: ${(err as Error).message}`);
    return;
  }
  for (const p of plans) {
    let input: z.ZodType;
    let output: z.ZodType;
    try {
      input = z.fromJSONSchema(p.input as Parameters<typeof z.fromJSONSchema>[0]);
      output = z.fromJSONSchema(p.output as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (err) {
      serverLog().warn(`/api/mcp: the published plan "${p.title}" (${p.planId}) is left out: its schemas cannot be converted (${(err as Error).message}).`);
      continue;
    }
    try {
      server.registerTool(
        p.slug,
        {
          title: p.title,
          description: `Runs the saved plan "${p.title}" and answers its outputs: ${p.goal}`,
          inputSchema: input,
          outputSchema: output,
          annotations: { readOnlyHint: false, destructiveHint: true },
        },
        async (args: unknown) => {
          try {
            if (!actor.permissions.includes("run")) throw forbidden(actor, "run");
            await enforceLimit("runs", actor);
            const { runId } = await startRun(p.planId, StartRunBody.parse({ inputs: args ?? {} }));
            await (await getTrellis()).engine.wait(runId, { untilApproval: true, timeoutMs: RUN_WAIT_MS }).catch(() => undefined);
            const d = await runDetail(runId);
            if (d.run.status === "succeeded") {
              const outputs = redactSecrets((d.run.outputs ?? {}) as Record<string, unknown>);
              return { content: [{ type: "text", text: JSON.stringify(outputs, null, 2) }], structuredContent: outputs };
            }
            const why = d.run.failure?.message ?? (d.run.status === "awaiting_approval" ? "it waits for a person's approval (see get_run, approve_step)" : `it is ${d.run.status}`);
            return { isError: true, content: [{ type: "text", text: redactText(`The run ${runId} of "${p.title}" did not succeed: ${why}`) }, { type: "text", text: JSON.stringify(redactSecrets(runSummary(d)), null, 2) }] };
          } catch (err) {
            if (TrellisError.isInstance(err)) return { isError: true, content: [{ type: "text", text: redactText((err as Error).message) }] };
            throw err;
          }
        },
      );
    } catch (err) {
      serverLog().warn(`/api/mcp: the published plan "${p.title}" (${p.planId}) is left out: ${(err as Error).message}`);
    }
  }
}
