/**
 * POST /api/plans/stream: plan a goal and stream the planning events as Server-Sent Events,
 * ending with the saved plan's id (or an error). The body is checked before the stream opens,
 * so a bad request is a plain 4xx JSON answer.
 */
import { PLAN_STREAM_OPENING, chunkMessage } from "@/lib/contract/plan-stream";
import type { PlanStreamChunk } from "@/lib/planner/stream";
import { redactSecrets } from "@/lib/server/connections/redaction";
import { sseResponse } from "@/lib/contract/sse";
import { OPERATIONS } from "@/lib/contract/operations";
import { serverLog } from "@/lib/server/log";
import { answerFor, route } from "@/lib/server/route";
import { planAndSave, plannedSummary } from "@/lib/server/planning";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.planGoalStream, async ({ body, request }) => {
  const { basePlanId, ...goal } = body;
  return sseResponse(async (sink) => {
    // A stream is an answer too: no chunk repeats a secret value (a goal or a plan that holds one).
    const send = (chunk: PlanStreamChunk) => sink.send(chunkMessage(redactSecrets(chunk)));
    sink.comment(PLAN_STREAM_OPENING);
    try {
      const saved = await planAndSave(goal, { basePlanId, signal: sink.signal, onEvent: (event) => send({ type: "event", event }) });
      const { result } = saved;
      send({
        type: "done",
        ...plannedSummary(saved),
        errors: result.issues.filter((i) => i.severity === "error").length,
        missingInputs: result.missingInputs.map((m) => m.name),
        coverage: result.coverage,
        ...(result.help ? { help: result.help } : {}),
      });
    } catch (err) {
      const { body: answer, unexpected } = answerFor(err);
      if (unexpected) serverLog().error("planning stream failed", err);
      send({ type: "error", code: answer.error.code, message: unexpected ? "Planning failed on the server; the error is in its log." : answer.error.message });
    }
  }, { signal: request.signal });
});
