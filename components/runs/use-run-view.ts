"use client";
/**
 * The run's live state: TanStack Query holds it, Server-Sent Events update it. The stream
 * resumes from the last seq it saw (Last-Event-ID), so a dropped connection loses nothing
 * and the reducer drops anything it has already applied.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { RunEvent } from "@/lib/core/events";
import { applyRunEvent, isRunActive, type RunView } from "@/lib/core/run-view";
import { createClient } from "@/lib/contract/client";

const client = createClient();

export type Connection = "connecting" | "live" | "reconnecting" | "closed";

export const runQueryKey = (id: string) => ["run", id, "view"] as const;

export function useRunView(initial: RunView): { view: RunView; connection: Connection } {
  const qc = useQueryClient();
  const key = runQueryKey(initial.id);
  const { data } = useQuery({
    queryKey: key,
    queryFn: async (): Promise<RunView> => {
      const page = await client.call("getRunView", { params: { id: initial.id } });
      return page.view;
    },
    initialData: initial,
    staleTime: Infinity,
  });
  const [connection, setConnection] = useState<Connection>(isRunActive(initial.status) ? "connecting" : "closed");
  const active = isRunActive(data.status);

  useEffect(() => {
    if (!active) return;
    const from = qc.getQueryData<RunView>(key)?.lastSeq ?? 0;
    const es = new EventSource(`/api/runs/${initial.id}/events?lastEventId=${from}`);
    es.onopen = () => setConnection("live");
    es.onerror = () => setConnection(es.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    es.addEventListener("run-event", (message) => {
      let raw: unknown;
      try { raw = JSON.parse((message as MessageEvent<string>).data); } catch { return; }
      const parsed = RunEvent.safeParse(raw);
      if (!parsed.success) return;
      qc.setQueryData<RunView>(key, (s) => (s ? applyRunEvent(s, parsed.data) : s));
    });
    return () => { es.close(); setConnection("closed"); };
    // The stream is keyed by the run; it closes when the run stops being active.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial.id, active]);

  return { view: data, connection: active ? connection : "closed" };
}

/** The current time, ticking while `active`, for elapsed times. */
export function useNow(active: boolean, intervalMs = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs]);
  return now;
}
