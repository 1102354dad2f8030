/**
 * The editor's one store, created per mounted editor. It holds the working copy of the plan
 * (changed only through `apply`, which records undo history), and the view state around it:
 * positions and measured sizes, selection, panels, toasts. React Flow's nodes and edges are
 * derived from it (graph-view.ts), never stored.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import { Catalog } from "@/lib/core/catalog";
import type { ActionSpec } from "@/lib/core/action";
import { isInFlows } from "@/lib/core/catalog";
import type { Plan, Step } from "@/lib/core/plan";
import {
  addStep, autoConnect, createStep, pasteSteps, removeOrderDependency, removeSteps, renameStep, setBinding, type EditResult,
} from "@/lib/core/plan-edits";
import { emptyHistory, record, redo, undo, type History } from "./history";
import { parseEdgeId } from "./handles";
import type { ConnectHints } from "./connection-rules";
import { cutBy, cutMessage, disconnectionKey, type Cut, type Disconnection } from "./disconnections";

export interface XY {
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}
export type SidebarTab = "add" | "steps" | "inputs";
export type DialogKind = "save" | "versions" | "refine" | "import";
export interface Toast {
  id: number;
  kind: "error" | "info" | "success";
  message: string;
}
/** Where the person asked to look: a step, and maybe one of its inputs. `seq` makes a repeat request new. */
export interface Focus {
  stepId: string;
  input?: string;
  seq: number;
}

/** A connection dropped on a step's body where several handles fit: the person picks one. */
export interface DropMenu {
  /** where the pointer was, in client coordinates */
  x: number;
  y: number;
  nodeId: string;
  from: { nodeId: string; handleId: string | null; type: "source" | "target" };
  handles: readonly string[];
}

/** A connection dropped on an input that is already bound: merge with what it has, or replace it. */
export interface MergeMenu {
  /** where the pointer was, in client coordinates */
  x: number;
  y: number;
  step: string;
  input: string;
  /** the connection, as planConnection made it (source and target handles) */
  connection: { source: string; sourceHandle: string | null; target: string; targetHandle: string | null };
}

export interface EditOptions {
  /** consecutive edits with the same key are one undo entry (typing into one field) */
  key?: string;
  /** select these steps after the edit */
  select?: string[];
}

export interface EditorActions {
  apply(label: string, edit: (plan: Plan) => Plan | EditResult, options?: EditOptions): boolean;
  /** Replaces the whole plan (import, AI proposal, restore) as one undo entry, and lays it out again. */
  replacePlan(label: string, plan: Plan): void;
  undo(): void;
  redo(): void;
  markSaved(versionId: string, hash: string): void;
  addAction(actionId: string, options?: { at?: XY; after?: string }): string | null;
  /** Renames a step (and every reference to it); its place on the canvas goes with it. */
  renameStep(from: string, to: string): boolean;
  deleteSelection(): void;
  copySelection(): Step[];
  paste(steps?: Step[]): void;
  select(steps: string[], edges?: string[]): void;
  selectAll(): void;
  setPositions(update: Record<string, XY>): void;
  setMeasured(update: Record<string, Size>): void;
  layoutApplied(positions: Record<string, XY>): void;
  requestLayout(): void;
  toggleExpanded(stepId: string): void;
  /** a connection drag started (with the handles that would accept it) or ended (null) */
  setConnecting(hints: ConnectHints | null): void;
  /** the pointer is over a part of the goal (its index) or a step (its id), or left both (null) */
  setCoverageHover(hover: CoverageHover | null): void;
  setDropMenu(menu: DropMenu | null): void;
  setMergeMenu(menu: MergeMenu | null): void;
  focusOn(stepId: string, input?: string): void;
  toast(kind: Toast["kind"], message: string): void;
  dismissToast(id: number): void;
  /** forget the notice about an input that lost its source */
  dismissDisconnection(d: Disconnection): void;
  setSidebar(tab: SidebarTab): void;
  openDialog(dialog: DialogKind | null): void;
  setIssuesOpen(open: boolean): void;
  /** pan the canvas, as little as it takes, to show these nodes (new ones: pasted steps, the inputs node) */
  reveal(nodeIds: string[]): void;
  /** collapse or open a side panel (the canvas takes its width) */
  togglePanel(side: "left" | "right"): void;
}

export interface EditorState {
  planId: string;
  catalog: Catalog;
  plan: Plan;
  history: History;
  /** the saved version this working copy started from, and its content hash */
  baseVersionId: string;
  baseHash: string;
  positions: Record<string, XY>;
  measured: Record<string, Size>;
  selectedSteps: string[];
  selectedEdges: string[];
  expanded: Record<string, true>;
  /** while a connection is dragged: per node, the handles that would accept it */
  connecting: ConnectHints | null;
  /** what the pointer is over in the goal's coverage view or on the canvas, to light up the other side */
  coverageHover: CoverageHover | null;
  dropMenu: DropMenu | null;
  mergeMenu: MergeMenu | null;
  focus: Focus | null;
  clipboard: Step[];
  pasteCount: number;
  toasts: Toast[];
  /** inputs that lost their source when a step was deleted, newest first (see disconnections.ts) */
  disconnected: Disconnection[];
  sidebar: SidebarTab;
  dialog: DialogKind | null;
  /** bumped to ask the canvas for a fresh auto-layout */
  layoutRequest: number;
  /** the layout request the current positions answer; the canvas is ready when it equals layoutRequest */
  layoutDone: number;
  issuesOpen: boolean;
  collapsed: { left: boolean; right: boolean };
  /** nodes the canvas should bring into view; `seq` makes a repeat request new */
  revealRequest: { ids: string[]; seq: number } | null;
  actions: EditorActions;
}

/** A part of the goal (its index, and the steps that do it), or a step, under the pointer. */
export type CoverageHover = { part: number; steps: string[] } | { step: string };

export type EditorStore = StoreApi<EditorState>;

export interface EditorInit {
  planId: string;
  plan: Plan;
  versionId: string;
  versionHash: string;
  catalog: readonly ActionSpec[];
  /** positions computed before the page was sent, when there are any */
  positions?: Record<string, XY>;
}

const TOAST_MS: Record<Toast["kind"], number> = { info: 3000, success: 4000, error: 7000 };
let toastSeq = 0;

export function createEditorStore(init: EditorInit): EditorStore {
  const hasLayout = Boolean(init.positions && init.plan.steps.every((s) => init.positions![s.id]));
  return createStore<EditorState>()((set, get) => {
    const toast = (kind: Toast["kind"], message: string) => {
      const id = ++toastSeq;
      set((s) => ({ toasts: [...s.toasts.slice(-2), { id, kind, message }] }));
      if (typeof window !== "undefined") window.setTimeout(() => get().actions.dismissToast(id), Math.max(TOAST_MS[kind], message.length * 50));
    };

    const apply: EditorActions["apply"] = (label, edit, options = {}) => {
      const { plan, history } = get();
      const out = edit(plan);
      let next: Plan;
      if ("ok" in out) {
        if (!out.ok) {
          toast("error", out.reason);
          return false;
        }
        next = out.plan;
      } else next = out;
      if (next === plan) return true;
      const known = new Set(next.steps.map((s) => s.id));
      set((s) => ({
        plan: next,
        history: record(history, plan, label, options.key),
        selectedSteps: options.select ?? s.selectedSteps.filter((id) => known.has(id)),
        selectedEdges: options.select ? [] : s.selectedEdges,
      }));
      return true;
    };

    const actions: EditorActions = {
      apply,
      replacePlan(label, plan) {
        if (apply(label, () => plan, { select: [] })) set((s) => ({ layoutRequest: s.layoutRequest + 1 }));
      },
      undo() {
        const r = undo(get().history, get().plan);
        if (!r) return;
        // steps the undo removed leave the selection (as after `apply`)
        set((s) => ({ plan: r.plan, history: r.history, selectedSteps: s.selectedSteps.filter((id) => r.plan.steps.some((x) => x.id === id)) }));
        toast("info", `Undid: ${r.label}`);
      },
      redo() {
        const r = redo(get().history, get().plan);
        if (!r) return;
        // steps the redo removed leave the selection (as after `apply`)
        set((s) => ({ plan: r.plan, history: r.history, selectedSteps: s.selectedSteps.filter((id) => r.plan.steps.some((x) => x.id === id)) }));
        toast("info", `Redid: ${r.label}`);
      },
      markSaved(versionId, hash) {
        set((s) => ({ baseVersionId: versionId, baseHash: hash, history: { ...s.history, openKey: null } }));
      },
      addAction(actionId, options = {}) {
        const { catalog, positions, measured } = get();
        const spec = catalog.get(actionId);
        let id: string | null = null;
        const ok = apply(`Add ${spec?.title ?? actionId}`, (plan) => {
          const step = createStep(plan, actionId);
          id = step.id;
          const flows = spec && plan.flows.length && !isInFlows(spec, plan.flows) ? [...plan.flows, spec.flows[0]] : plan.flows;
          const r = addStep({ ...plan, flows }, step, { after: options.after });
          if (!r.ok || !options.after) return r;
          return autoConnect(r.plan, catalog, step.id, options.after);
        }, { select: [] });
        if (!ok || !id) return null;
        const anchor = options.after ? positions[options.after] : undefined;
        const at = options.at ?? freeSpot(positions, measured, anchor ? { x: anchor.x + (measured[options.after!]?.width ?? 288) + 80, y: anchor.y } : { x: 0, y: 0 });
        const newId: string = id;
        set((s) => ({ positions: { ...s.positions, [newId]: at }, selectedSteps: [newId], selectedEdges: [] }));
        return newId;
      },
      renameStep(from, to) {
        if (!apply(`Rename ${from} to ${to}`, (p) => renameStep(p, from, to), { select: [to] })) return false;
        set((s) => ({
          positions: s.positions[from] ? { ...s.positions, [to]: s.positions[from] } : s.positions,
          expanded: s.expanded[from] ? { ...s.expanded, [to]: true } : s.expanded,
        }));
        return true;
      },
      deleteSelection() {
        const { selectedSteps, selectedEdges } = get();
        if (!selectedSteps.length && !selectedEdges.length) return;
        const what = selectedSteps.length
          ? `Delete ${selectedSteps.length === 1 ? `step ${selectedSteps[0]}` : `${selectedSteps.length} steps`}`
          : `Delete ${selectedEdges.length === 1 ? "connection" : `${selectedEdges.length} connections`}`;
        let cut: Cut = { inputs: [], outputs: [] };
        const ok = apply(what, (plan) => {
          let next = plan;
          for (const edgeId of selectedEdges) {
            const e = parseEdgeId(edgeId);
            if (e?.kind === "binding") next = setBinding(next, e.step, e.input, undefined);
            else if (e?.kind === "order") next = removeOrderDependency(next, e.from, e.to);
          }
          cut = cutBy(next, selectedSteps, get().catalog);
          return removeSteps(next, selectedSteps);
        }, { select: [] });
        // Connections the person deleted are meant; those cut by deleting a step are said out loud.
        const message = ok ? cutMessage(selectedSteps, cut) : null;
        if (!message) return;
        set((s) => ({ disconnected: [...cut.inputs, ...s.disconnected].slice(0, 50) }));
        toast("info", message);
      },
      copySelection() {
        const { plan, selectedSteps } = get();
        const chosen = new Set(selectedSteps);
        const steps = plan.steps.filter((s) => chosen.has(s.id));
        if (steps.length) {
          set({ clipboard: steps, pasteCount: 0 });
          toast("info", `Copied ${steps.length === 1 ? "1 step" : `${steps.length} steps`}.`);
        }
        return steps;
      },
      paste(steps) {
        const source = steps ?? get().clipboard;
        if (!source.length) return;
        let ids = new Map<string, string>();
        const ok = apply(`Paste ${source.length === 1 ? "1 step" : `${source.length} steps`}`, (plan) => {
          const r = pasteSteps(plan, source);
          ids = r.ids;
          return r.plan;
        });
        if (!ok) return;
        set((s) => ({ positions: { ...s.positions, ...placeCopies(s.positions, s.measured, ids) }, pasteCount: s.pasteCount + 1, selectedSteps: [...ids.values()], selectedEdges: [] }));
        get().actions.reveal([...ids.values()]);
      },
      select(steps, edges = []) {
        const s = get();
        if (same(s.selectedSteps, steps) && same(s.selectedEdges, edges)) return;
        set({ selectedSteps: steps, selectedEdges: edges });
      },
      selectAll() {
        set((s) => ({ selectedSteps: s.plan.steps.map((x) => x.id), selectedEdges: [] }));
      },
      setPositions(update) {
        set((s) => ({ positions: { ...s.positions, ...update } }));
      },
      setMeasured(update) {
        set((s) => ({ measured: { ...s.measured, ...update } }));
      },
      layoutApplied(positions) {
        set((s) => ({ positions: { ...s.positions, ...positions }, layoutDone: s.layoutRequest }));
      },
      requestLayout() {
        set((s) => ({ layoutRequest: s.layoutRequest + 1 }));
      },
      toggleExpanded(stepId) {
        set((s) => {
          const expanded = { ...s.expanded };
          if (expanded[stepId]) delete expanded[stepId];
          else expanded[stepId] = true;
          return { expanded };
        });
      },
      setConnecting(connecting) {
        if (get().connecting !== connecting) set({ connecting });
      },
      setCoverageHover(coverageHover) {
        const now = get().coverageHover;
        if (JSON.stringify(now) !== JSON.stringify(coverageHover)) set({ coverageHover });
      },
      setDropMenu(dropMenu) {
        set({ dropMenu });
      },
      setMergeMenu(mergeMenu) {
        set({ mergeMenu });
      },
      focusOn(stepId, input) {
        set((s) => ({ focus: { stepId, input, seq: (s.focus?.seq ?? 0) + 1 }, selectedSteps: [stepId], selectedEdges: [] }));
      },
      toast,
      dismissToast(id) {
        set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
      },
      dismissDisconnection(d) {
        const key = disconnectionKey(d);
        set((s) => ({ disconnected: s.disconnected.filter((x) => disconnectionKey(x) !== key) }));
      },
      setSidebar(sidebar) {
        set({ sidebar });
      },
      openDialog(dialog) {
        set({ dialog });
      },
      setIssuesOpen(issuesOpen) {
        set({ issuesOpen });
      },
      reveal(ids) {
        set((s) => ({ revealRequest: { ids, seq: (s.revealRequest?.seq ?? 0) + 1 } }));
      },
      togglePanel(side) {
        set((s) => ({ collapsed: { ...s.collapsed, [side]: !s.collapsed[side] } }));
      },
    };

    return {
      planId: init.planId,
      catalog: new Catalog(init.catalog),
      plan: init.plan,
      history: emptyHistory,
      baseVersionId: init.versionId,
      baseHash: init.versionHash,
      positions: hasLayout ? init.positions! : {},
      measured: {},
      selectedSteps: [],
      selectedEdges: [],
      expanded: {},
      connecting: null,
      coverageHover: null,
      dropMenu: null,
      mergeMenu: null,
      focus: null,
      clipboard: [],
      pasteCount: 0,
      toasts: [],
      disconnected: [],
      sidebar: "add",
      dialog: null,
      layoutRequest: hasLayout ? 0 : 1,
      layoutDone: 0,
      issuesOpen: false,
      collapsed: { left: false, right: false },
      revealRequest: null,
      actions,
    };
  });
}

const NEW_NODE: Size = { width: 288, height: 160 };

/**
 * Where copies go: as a group, keeping their arrangement, just below their originals at the first
 * offset where no copy overlaps a placed node (never on top of what they copy). Copies of steps
 * placed nowhere here (pasted from another plan) go one under another below everything.
 */
export function placeCopies(positions: Record<string, XY>, measured: Record<string, Size>, ids: ReadonlyMap<string, string>): Record<string, XY> {
  const size = (id: string) => measured[id] ?? NEW_NODE;
  const placed = [...ids].filter(([from]) => positions[from]);
  const out: Record<string, XY> = {};
  if (placed.length) {
    const top = Math.min(...placed.map(([f]) => positions[f].y));
    const bottom = Math.max(...placed.map(([f]) => positions[f].y + size(f).height));
    const boxes = Object.entries(positions).map(([id, p]) => ({ ...p, ...size(id) }));
    const overlaps = (dy: number) => placed.some(([f]) => {
      const p = positions[f];
      const { width, height } = size(f);
      return boxes.some((b) => p.x < b.x + b.width + 24 && p.x + width + 24 > b.x && p.y + dy < b.y + b.height + 24 && p.y + dy + height + 24 > b.y);
    });
    let dy = bottom - top + 40;
    for (let i = 0; i < 200 && overlaps(dy); i++) dy += 40;
    for (const [f, to] of placed) out[to] = { x: positions[f].x, y: positions[f].y + dy };
  }
  let all = { ...positions, ...out };
  for (const [from, to] of ids) {
    if (positions[from]) continue;
    const ys = Object.entries(all).map(([id, p]) => p.y + size(id).height);
    const xs = Object.values(all).map((p) => p.x);
    out[to] = freeSpot(all, measured, { x: xs.length ? Math.min(...xs) : 0, y: ys.length ? Math.max(...ys) + 40 : 0 });
    all = { ...all, [to]: out[to] };
  }
  return out;
}

/** The first place at or below `at` where a new node overlaps none of the placed ones. */
function freeSpot(positions: Record<string, XY>, measured: Record<string, Size>, at: XY): XY {
  const boxes = Object.entries(positions).map(([id, p]) => ({ ...p, ...(measured[id] ?? NEW_NODE) }));
  const hits = (y: number) => boxes.some((b) => at.x < b.x + b.width + 24 && at.x + NEW_NODE.width + 24 > b.x && y < b.y + b.height + 24 && y + NEW_NODE.height + 24 > b.y);
  let y = at.y;
  for (let i = 0; i < 200 && hits(y); i++) y += 40;
  return { x: at.x, y };
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
