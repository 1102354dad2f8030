/** Planning events in words, for the live list on the goal form. */
import type { PlanningEvent } from "@/lib/core/events";

export type Tone = "info" | "ok" | "warning" | "danger" | "muted";

export interface EventLine {
  tone: Tone;
  title: string;
  detail?: string;
  /** longer text shown when the line is opened (the repairs made) */
  items?: string[];
}

const n = (x: number) => x.toLocaleString("en-US");
const secs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const plural = (k: number, word: string) => `${n(k)} ${word}${k === 1 ? "" : "s"}`;

const MODES: Record<string, string> = { json_schema: "structured output", json_object: "JSON mode", text: "plain text" };

export function describeEvent(e: PlanningEvent): EventLine {
  switch (e.type) {
    case "planning.started":
      return e.data.source === "llm"
        ? { tone: "info", title: `Planning with ${e.data.model ?? "the LLM"}`, detail: e.data.actions !== undefined ? `${plural(e.data.actions, "action")} offered` : undefined }
        : { tone: "info", title: "Planning offline", detail: e.data.actions !== undefined ? `over ${plural(e.data.actions, "action")}` : undefined };
    case "planning.llm_request":
      return { tone: "muted", title: e.data.repair ? `Attempt ${e.data.attempt}: asking the model to fix the plan` : `Attempt ${e.data.attempt}: asking the model`, detail: MODES[e.data.mode] ?? e.data.mode };
    case "planning.llm_progress":
      return { tone: "muted", title: `Receiving the answer…`, detail: `${n(e.data.chars)} characters` };
    case "planning.llm_retry":
      return { tone: "warning", title: `Retrying in ${secs(e.data.delayMs)}`, detail: e.data.reason };
    case "planning.llm_response": {
      if (!e.data.ok) return { tone: "danger", title: `Attempt ${e.data.attempt} failed after ${secs(e.data.ms)}`, detail: e.data.error };
      const usage = e.data.usage ? `${n(e.data.usage.promptTokens)} + ${n(e.data.usage.completionTokens)} tokens` : undefined;
      return { tone: "muted", title: `Answer in ${secs(e.data.ms)}`, detail: [usage, e.data.mode && e.data.mode !== "json_schema" ? `via ${MODES[e.data.mode] ?? e.data.mode}` : undefined].filter(Boolean).join(" · ") || undefined };
    }
    case "planning.validation": {
      const codes = Object.keys(e.data.codes ?? {}).map((c) => c.replace(/_/g, " "));
      const stage = e.data.stage === "repaired" ? "After fixes" : "Checked";
      if (e.data.errors === 0) return { tone: "ok", title: `${stage}: valid`, detail: e.data.warnings ? plural(e.data.warnings, "warning") : undefined };
      return { tone: e.data.stage === "repaired" ? "warning" : "muted", title: `${stage}: ${plural(e.data.errors, "error")}`, detail: codes.length ? codes.slice(0, 4).join(", ") : undefined };
    }
    case "planning.repair":
      return { tone: "info", title: `Fixed ${plural(e.data.repairs.length, "problem")} automatically`, items: e.data.repairs };
    case "planning.fallback":
      return { tone: "warning", title: "Switched to the offline planner", detail: e.data.reason };
    case "planning.succeeded": {
      const missing = e.data.missingInputs?.length ? ` · needs ${plural(e.data.missingInputs.length, "input")}: ${e.data.missingInputs.join(", ")}` : "";
      return { tone: "ok", title: `Plan ready${e.data.steps !== undefined ? `: ${plural(e.data.steps, "step")}` : ""}`, detail: `${secs(e.data.ms)}${e.data.attempts > 1 ? ` · ${e.data.attempts} attempts` : ""}${missing}` };
    }
    case "planning.failed":
      return { tone: "danger", title: e.data.unplanned ? "No plan" : "The plan still has problems", detail: e.data.reason };
  }
}
