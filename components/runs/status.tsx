import type { RunStatus, StepStatus } from "@/lib/core/events";
import type { RunOutcome } from "@/lib/core/run-state";

const LABEL: Record<string, string> = {
  pending: "Pending", queued: "Queued", running: "Running", retrying: "Retrying", awaiting_approval: "Awaiting approval",
  succeeded: "Succeeded", failed: "Failed", skipped: "Skipped", cancelled: "Cancelled",
};
const TONE: Record<string, string> = {
  pending: "", queued: "", running: "info", retrying: "warning", awaiting_approval: "warning",
  succeeded: "ok", failed: "danger", skipped: "", cancelled: "",
};

export function statusLabel(status: RunStatus | StepStatus): string {
  return LABEL[status] ?? status;
}

/** A succeeded run that did not go cleanly never wears the plain green "Succeeded". */
const OUTCOME_LABEL: Record<Exclude<RunOutcome, "clean">, string> = { with_rejections: "Succeeded with rejections", partial: "Succeeded in part" };

export function StatusBadge({ status, outcome, testId }: { status: RunStatus | StepStatus; outcome?: RunOutcome | null; testId?: string }) {
  const marked = outcome && outcome !== "clean" ? outcome : null;
  return (
    <span className={`badge ${marked ? "warning" : (TONE[status] ?? "")} status-${status}`} data-testid={testId} data-status={status} data-outcome={outcome ?? undefined}>
      {status === "running" ? <span className="pulse" aria-hidden /> : null}
      {marked ? OUTCOME_LABEL[marked] : statusLabel(status)}
    </span>
  );
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} min ${s} s`;
}
