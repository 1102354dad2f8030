/**
 * Undo and redo over whole-plan snapshots. Edits share unchanged steps with the plan before
 * them, so a snapshot costs little. Consecutive edits with the same coalescing key (typing
 * into one field) make one entry; anything else starts a new one.
 */
import type { Plan } from "@/lib/core/plan";

export interface HistoryEntry {
  /** the plan before the edit */
  plan: Plan;
  label: string;
}

export interface History {
  past: HistoryEntry[];
  future: HistoryEntry[];
  /** the coalescing key of the last edit, while it may still absorb the next one */
  openKey: string | null;
}

export const MAX_HISTORY = 200;

export const emptyHistory: History = { past: [], future: [], openKey: null };

export function record(h: History, before: Plan, label: string, key?: string): History {
  if (key && h.openKey === key && h.past.length) return { ...h, future: [] };
  const past = [...h.past, { plan: before, label }];
  if (past.length > MAX_HISTORY) past.splice(0, past.length - MAX_HISTORY);
  return { past, future: [], openKey: key ?? null };
}

export function undo(h: History, current: Plan): { history: History; plan: Plan; label: string } | null {
  const entry = h.past.at(-1);
  if (!entry) return null;
  return {
    history: { past: h.past.slice(0, -1), future: [...h.future, { plan: current, label: entry.label }], openKey: null },
    plan: entry.plan,
    label: entry.label,
  };
}

export function redo(h: History, current: Plan): { history: History; plan: Plan; label: string } | null {
  const entry = h.future.at(-1);
  if (!entry) return null;
  return {
    history: { past: [...h.past, { plan: current, label: entry.label }], future: h.future.slice(0, -1), openKey: null },
    plan: entry.plan,
    label: entry.label,
  };
}
