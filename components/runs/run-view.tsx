"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { isRunActive, runProgress } from "@/lib/core/run-view";
import { runOutcome } from "@/lib/core/run-state";
import type { RunPageData } from "@/lib/server/runs";
import { DryRunBadge, DryRunNotice } from "./dry-run";
import { RunControls } from "./run-controls";
import { RunOutputs } from "./run-outputs";
import { RunGraph } from "./run-graph";
import { PartialNotice, ProgressBar, RejectionBanner, RunProgress } from "./run-outcome";
import { RunTimeline } from "./run-timeline";
import { StatusBadge, formatDuration } from "./status";
import { StepDrawer } from "./step-drawer";
import { useNow, useRunView } from "./use-run-view";
import { ValueView } from "./value-view";
import { RunActivity } from "./run-activity";
import { RunResultCard } from "./run-result";
import { RunBranches } from "./run-branches";
import { ReplanPanel } from "./replan-panel";

export function RunViewPage({ data }: { data: RunPageData }) {
  const { view, connection } = useRunView(data.view);
  const active = isRunActive(view.status);
  const now = useNow(active);
  // undefined: the person has not chosen, so show what needs attention; null: they closed the drawer.
  const [chosen, setSelected] = useState<string | null | undefined>(undefined);
  const specs = useMemo(() => new Map(data.actions.map((a) => [a.id, a])), [data.actions]);
  const counts = runProgress(view);
  const outcome = runOutcome(view);
  const waiting = Object.entries(view.steps).filter(([, s]) => s.status === "awaiting_approval").map(([id]) => id);
  const rootFailure = Object.entries(view.steps).find(([, s]) => s.status === "failed" && !s.usedFallback);
  const selected = chosen === undefined ? (waiting[0] ?? rootFailure?.[0]) : (chosen ?? undefined);
  const elapsed = view.startedAt ? (view.finishedAt ? Date.parse(view.finishedAt) : now) - Date.parse(view.startedAt) : null;
  const step = selected ? data.plan.steps.find((s) => s.id === selected) : undefined;

  return (
    <div className="stack" data-testid="run-view" data-run-status={view.status} data-last-seq={view.lastSeq}>
      <div className="page-header">
        <div>
          <div className="eyebrow">
            <Link href="/runs">Runs</Link> / <Link href={`/plans/${data.meta.planId}`}>{data.meta.planTitle}</Link> · v{data.meta.versionNumber}
            {data.meta.retryOfId ? <> · retry of <Link href={`/runs/${data.meta.retryOfId}`}>{data.meta.retryOfId.slice(0, 8)}</Link></> : null}
            {data.meta.parent ? <> · child run of <Link data-testid="parent-run-link" href={`/runs/${data.meta.parent.runId}`}>{data.meta.parent.runId.slice(0, 8)}</Link> (step <code>{data.meta.parent.stepId}</code>)</> : null}
            {data.meta.startedBy ? <> · started by <span data-testid="run-started-by">{data.meta.startedBy}</span></> : null}
          </div>
          <h1 className="row">Run <span className="mono subtle" style={{ fontSize: 18 }}>{view.id.slice(0, 8)}</span> <StatusBadge status={view.status} outcome={outcome} testId="run-status" />{data.meta.options.dryRun ? <DryRunBadge /> : null}</h1>
          <div className="row subtle" style={{ marginTop: 6 }}>
            <RunProgress counts={counts} />
            {/* A live run's elapsed time differs between the server's render and the browser's first one. */}
            {elapsed !== null ? <span suppressHydrationWarning>· {formatDuration(elapsed)}</span> : null}
            <span className={`conn conn-${connection}`} data-testid="connection">{connection === "live" ? "● live" : connection === "reconnecting" ? "● reconnecting…" : connection === "connecting" ? "● connecting…" : ""}</span>
          </div>
        </div>
        <RunControls runId={view.id} status={view.status} planId={data.meta.planId} inputs={data.meta.inputs} options={data.meta.options} />
      </div>
      <ProgressBar counts={counts} active={active} />
      {data.meta.options.dryRun ? <DryRunNotice steps={view.steps} /> : null}

      {waiting.length ? (
        <div className="notice warning" data-testid="waiting-notice">
          {waiting.length === 1 ? "A step is" : `${waiting.length} steps are`} waiting for approval:{" "}
          {waiting.map((id) => <button key={id} className="linkish" onClick={() => setSelected(id)}>{id}</button>)}
        </div>
      ) : null}
      <RejectionBanner view={view} plan={data.plan} outcome={outcome} onSelect={setSelected} />
      {outcome === "partial" ? <PartialNotice view={view} onSelect={setSelected} /> : null}
      {view.status === "failed" && view.failure ? (
        <div className="notice danger" data-testid="run-failure">
          <strong>The run failed.</strong> {view.failure.message}
          {rootFailure ? <> <button className="linkish" onClick={() => setSelected(rootFailure[0])}>Open {rootFailure[0]}</button></> : null}
        </div>
      ) : null}

      <ReplanPanel runId={view.id} planId={data.meta.planId} view={view} />
      <RunResultCard plan={data.plan} view={view} />
      <RunBranches plan={data.plan} view={view} onSelect={setSelected} />

      <div className={`run-layout${step ? " with-drawer" : ""}`}>
        <section className="card run-graph-card">
          <RunGraph plan={data.plan} actions={data.actions} steps={view.steps} now={now} selected={selected} onSelect={setSelected} fitKey={step ? "with-drawer" : "full"} />
        </section>
        {step ? <StepDrawer runId={view.id} step={step} spec={specs.get(step.action)} view={view.steps[step.id]} now={now} onClose={() => setSelected(null)} onSelect={setSelected} childRuns={data.children} lastSeq={view.lastSeq} /> : null}
      </div>

      <section className="card">
        <div className="card-header"><h2>Timeline</h2></div>
        <RunTimeline plan={data.plan} view={view} now={now} onSelect={setSelected} />
      </section>

      <RunOutputs runId={view.id} plan={data.plan} view={view} specs={specs} active={active} onSelect={setSelected} />

      <RunActivity runId={view.id} initial={data.audit ?? []} initialSeq={data.view.lastSeq} lastSeq={view.lastSeq} />

      {Object.keys(data.meta.inputs).length ? (
        <section className="card">
          <div className="card-header"><h2>Inputs</h2></div>
          <div className="card-body"><ValueView value={data.meta.inputs} /></div>
        </section>
      ) : null}
    </div>
  );
}
