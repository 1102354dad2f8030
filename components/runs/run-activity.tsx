"use client";
/** Who did what to the run (started, approved, rejected, cancelled), read again as new events arrive. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { createClient } from "@/lib/contract/client";
import type { AuditEntry } from "@/lib/contract/runs";
import { TimeAgo } from "@/components/ui/time-ago";

const client = createClient();

const VERB: Record<AuditEntry["what"], string> = { started: "started the run", retried: "retried the run", approved: "approved", rejected: "rejected", cancelled: "cancelled the run" };

/** `initial` is the page's, as of event `initialSeq`; a newer event reads it again. */
export function RunActivity({ runId, initial, initialSeq, lastSeq }: { runId: string; initial: AuditEntry[]; initialSeq: number; lastSeq: number }) {
  const { data } = useQuery({
    queryKey: ["run-activity", runId, lastSeq],
    queryFn: async () => (await client.call("getRunView", { params: { id: runId } })).audit ?? [],
    initialData: lastSeq === initialSeq ? initial : undefined,
    placeholderData: keepPreviousData,
  });
  const entries = data ?? initial;
  if (!entries.length) return null;
  return (
    <section className="card" data-testid="run-activity">
      <div className="card-header"><h2>Activity</h2></div>
      <ul className="card-body stack" style={{ gap: 6, listStyle: "none", margin: 0 }}>
        {entries.map((e, i) => (
          <li key={`${e.at}-${i}`} className="row" data-testid="activity-entry" data-what={e.what}>
            <strong data-testid="activity-who">{e.who}</strong>{" "}
            <span>{VERB[e.what]}{e.stepId ? <> step <code>{e.stepId}</code></> : null}{e.comment ? <>: “{e.comment}”</> : null}</span>
{" "}
            <span className="subtle"><TimeAgo date={e.at} /></span>
          </li>
        ))}
      </ul>
    </section>
  );
}
