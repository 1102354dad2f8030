import type { RunStatus, StepStatus } from "@/lib/core/events";

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

export function StatusBadge({ status, testId }: { status: RunStatus | StepStatus; testId?: string }) {
  return (
    <span className={`badge ${TONE[status] ?? ""} status-${status}`} data-testid={testId} data-status={status}>
      {status === "running" ? <span className="pulse" aria-hidden /> : null}
      {statusLabel(status)}
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
