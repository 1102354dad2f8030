"use client";
/**
 * The child run a plan-action step started (a saved plan used as a step): its status and each of
 * its steps, read again while it runs, with a link to its own page.
 */
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { createClient } from "@/lib/contract/client";
import { isRunActive } from "@/lib/core/run-view";
import { StatusBadge } from "./status";

const client = createClient();

export interface ChildRunRef {
  stepId: string;
  runId: string;
  status: string;
}

export function ChildRunPanel({ runId, stepId, stepStatus, initial, lastSeq }: { runId: string; stepId: string; stepStatus: string; initial: ChildRunRef[]; lastSeq: number }) {
  // Which child run the step started: the page's list, read again as the parent's events arrive.
  const known = initial.filter((c) => c.stepId === stepId).at(-1);
  const children = useQuery({
    queryKey: ["run-children", runId, lastSeq],
    queryFn: async () => (await client.call("getRunView", { params: { id: runId } })).children ?? [],
    enabled: !known && stepStatus !== "pending",
  });
  const childId = known?.runId ?? children.data?.filter((c) => c.stepId === stepId).at(-1)?.runId;
  const child = useQuery({
    queryKey: ["child-run", childId],
    queryFn: async () => client.call("getRunView", { params: { id: childId! } }),
    enabled: Boolean(childId),
    refetchInterval: (q) => (q.state.data && !isRunActive(q.state.data.view.status) ? false : 1500),
  });
  if (!childId) {
    return (
      <section className="stack" data-testid="child-run" data-child-status="none">
        <h3>Child run</h3>
        <p className="subtle">This step runs a saved plan as a child run; it starts when the step runs.</p>
      </section>
    );
  }
  const data = child.data;
  return (
    <section className="stack" data-testid="child-run" data-child-status={data?.view.status ?? "loading"} style={{ gap: 6 }}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h3>Child run</h3>
        <Link data-testid="child-run-link" href={`/runs/${childId}`}>Open run {childId.slice(0, 8)} →</Link>
      </div>
      {data ? (
        <>
          <div className="row">
            <span>{data.meta.planTitle} · v{data.meta.versionNumber}</span>
            <StatusBadge status={data.view.status} testId="child-run-status" />
          </div>
          <ul className="stack" style={{ gap: 4, listStyle: "none", margin: 0, padding: 0 }}>
            {data.plan.steps.map((s) => (
              <li key={s.id} className="row" data-testid="child-step" data-step={s.id} data-status={data.view.steps[s.id]?.status ?? "pending"}>
                <code>{s.id}</code>
                <span className="subtle mono">{s.action}</span>
                <StatusBadge status={data.view.steps[s.id]?.status ?? "pending"} />
              </li>
            ))}
          </ul>
        </>
      ) : <p className="subtle">Loading the child run…</p>}
    </section>
  );
}
