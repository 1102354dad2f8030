/**
 * POST /api/plans/stream: plan a goal and stream the planning events as Server-Sent Events,
 * ending with the saved plan's id (or an error). The body is checked before the stream opens,
 * so a bad request is a plain 4xx JSON answer.
 */
import { encodeChunk } from "@/lib/planner/stream";
import { RequestError } from "@/lib/server/errors";
import { PlanRequestBody, planAndSave, plannedSummary } from "@/lib/server/planning";
import { handle, readJsonBody } from "../../_lib/respond";
import { sseResponse } from "../../_lib/sse";

export const dynamic = "force-dynamic";

export const POST = handle(async (request: Request) => {
  const { basePlanId, ...goal } = await readJsonBody(request, PlanRequestBody);
  return sseResponse(async (send, signal) => {
    try {
      const saved = await planAndSave(goal, { basePlanId, signal, onEvent: (event) => send(encodeChunk({ type: "event", event })) });
      const { result } = saved;
      send(encodeChunk({
        type: "done",
        ...plannedSummary(saved),
        errors: result.issues.filter((i) => i.severity === "error").length,
        missingInputs: result.missingInputs.map((m) => m.name),
      }));
    } catch (err) {
      if (!(err instanceof RequestError)) console.error("[api] planning stream failed", err);
      const message = err instanceof RequestError ? err.message : "Planning failed on the server; the error is in its log.";
      send(encodeChunk({ type: "error", code: err instanceof RequestError ? err.code : "internal", message }));
    }
  }, request.signal);
});
