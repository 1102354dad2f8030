"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { cancelRunAction, retryRunAction, startRunAction } from "@/app/actions";
import type { RunStatus } from "@/lib/core/events";
import { useCan } from "@/components/ui/access";

/** Cancel, retry from the failed steps (same or latest version), or run again with the same inputs. */
export function RunControls({ runId, status, planId, inputs, options }: { runId: string; status: RunStatus; planId: string; inputs: Record<string, unknown>; options: unknown }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const active = status === "queued" || status === "running" || status === "awaiting_approval";
  const retryable = status === "failed" || status === "cancelled";
  if (!useCan("run")) return null;

  const go = (fn: () => Promise<{ ok: true; value: { runId?: string } | unknown } | { ok: false; error: string }>) =>
    start(async () => {
      setError(null);
      const r = await fn();
      if (!r.ok) { setError(r.error); return; }
      const next = (r.value as { runId?: string }).runId;
      if (next) router.push(`/runs/${next}`);
    });

  return (
    <div className="run-controls">
      <div className="row">
        {active ? <button className="button danger" disabled={pending} onClick={() => go(() => cancelRunAction(runId))} data-testid="cancel-run">Cancel run</button> : null}
        {retryable ? (
          <>
            <button className="button primary" disabled={pending} onClick={() => go(() => retryRunAction(runId, {}))} data-testid="retry-run">Retry failed steps</button>
            <button className="button" disabled={pending} onClick={() => go(() => retryRunAction(runId, { latest: true }))} data-testid="retry-latest">Retry on latest version</button>
          </>
        ) : null}
        {!active ? <button className="button" disabled={pending} onClick={() => go(() => startRunAction(planId, { inputs, options, filesOf: runId }))} data-testid="run-again">Run again</button> : null}
        {!active ? <Link className="button ghost" href={`/plans/${planId}?run=1`} data-testid="new-inputs">New inputs…</Link> : null}
      </div>
      {error ? <div className="error-box" role="alert" data-testid="run-control-error">{error}</div> : null}
    </div>
  );
}
