"use client";
/**
 * The React Flow canvas. Nodes and edges are derived from the store on every change; React
 * Flow's change events go back into the store (positions, sizes, selection), and connections
 * become plan edits after the same type check the server runs.
 */
import {
  Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useNodesInitialized, useReactFlow,
  type EdgeChange, type FinalConnectionState, type IsValidConnection, type NodeChange, type OnConnect, type OnConnectStartParams, type Connection,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { ConnectionLine } from "./connection-line";
import { DropMenuView } from "./drop-menu";
import { MergeMenuView } from "./merge-menu";
import { checkCanvasConnection, connectHints, planConnection } from "./connection-rules";
import { BindingEdgeView, ConditionEdgeView, OrderEdgeView } from "./edges";
import type { Size, XY } from "./editor-store";
import { GraphCache, deriveGraph, type EditorEdge, type EditorNode } from "./graph-view";
import { INPUTS_NODE_ID } from "./handles";
import { InputsNodeView } from "./inputs-node";
import { StepNodeView } from "./step-node";
import { useEditor, useEditorStore } from "./store-context";
import { validationOf } from "./validation";
import { openingViewport, panToInclude } from "./viewport";
import styles from "./editor.module.css";

// Module scope: React Flow re-creates every node when these objects change identity.
const nodeTypes = { step: StepNodeView, planInputs: InputsNodeView };
const edgeTypes = { binding: BindingEdgeView, order: OrderEdgeView, condition: ConditionEdgeView };
export const ACTION_DRAG_TYPE = "application/x-trellis-action";

export function Canvas() {
  const store = useEditorStore();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const positions = useEditor((s) => s.positions);
  const measured = useEditor((s) => s.measured);
  const selectedSteps = useEditor((s) => s.selectedSteps);
  const selectedEdges = useEditor((s) => s.selectedEdges);
  const layoutRequest = useEditor((s) => s.layoutRequest);
  const layoutDone = useEditor((s) => s.layoutDone);
  const focus = useEditor((s) => s.focus);
  const flow = useReactFlow<EditorNode, EditorEdge>();
  const initialized = useNodesInitialized();
  const [cache] = useState(() => new GraphCache());
  const readyMarked = useRef(false);
  const pane = useRef<HTMLDivElement>(null);
  /** the pointer's last place over the canvas (client coordinates), where a menu opens after a drop */
  const pointer = useRef({ x: 0, y: 0 });
  const [opened, setOpened] = useState(false);

  // Opens (and re-opens after an auto-layout) at a zoom where the text reads, not at whatever fits.
  const showReadable = useCallback((duration?: number) => {
    const all = flow.getNodes();
    const el = pane.current;
    if (!all.length || !el) return;
    void flow.setViewport(openingViewport(flow.getNodesBounds(all), { width: el.clientWidth, height: el.clientHeight }), duration ? { duration } : undefined);
  }, [flow]);

  const issues = validationOf(plan, catalog).issues;
  const { nodes, edges } = useMemo(
    () => deriveGraph({ plan, catalog, issues, positions, measured, selectedSteps, selectedEdges }, cache),
    [plan, catalog, issues, positions, measured, selectedSteps, selectedEdges, cache],
  );

  const laidOut = layoutDone === layoutRequest;
  const measuredAll = laidOut && (nodes.length === 0 || initialized);
  const ready = measuredAll && (nodes.length === 0 || opened);

  useEffect(() => {
    if (!measuredAll || opened) return;
    showReadable();
    // Ready once the view is where it opens (the frame after it was set).
    const frame = requestAnimationFrame(() => setOpened(true));
    return () => cancelAnimationFrame(frame);
  }, [measuredAll, opened, showReadable]);

  // Auto-layout when asked (on load without server positions, after import or an AI edit, on demand).
  useEffect(() => {
    if (laidOut) return;
    let cancelled = false;
    const { plan: current, catalog: cat, expanded } = store.getState();
    // ELK is large: it loads the first time a layout is asked for, not with the page.
    void import("./layout").then(({ layoutPlan }) => layoutPlan(current, cat, expanded)).then((p) => {
      if (cancelled) return;
      store.getState().actions.layoutApplied(p);
      requestAnimationFrame(() => showReadable(250));
    });
    return () => {
      cancelled = true;
    };
  }, [laidOut, layoutRequest, store, showReadable]);

  // The moment the plan is laid out and every node measured: what bench:ui and the tests wait for.
  useEffect(() => {
    if (!ready || readyMarked.current) return;
    readyMarked.current = true;
    performance.mark("trellis:editor-ready");
  }, [ready]);

  // New nodes (pasted steps, the plan-inputs node) are brought into view, by as small a pan as it takes.
  const revealRequest = useEditor((s) => s.revealRequest);
  useEffect(() => {
    if (!revealRequest) return;
    // The frame after: the new nodes are rendered and measured by then.
    const frame = requestAnimationFrame(() => {
      const boxes = revealRequest.ids.map((id) => flow.getInternalNode(id)).filter((n) => n !== undefined).map((n) => ({ ...n.internals.positionAbsolute, width: n.measured.width ?? 288, height: n.measured.height ?? 160 }));
      const el = pane.current;
      if (!boxes.length || !el) return;
      const x = Math.min(...boxes.map((b) => b.x)), y = Math.min(...boxes.map((b) => b.y));
      const box = { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
      const next = panToInclude(flow.getViewport(), box, { width: el.clientWidth, height: el.clientHeight });
      if (next) void flow.setViewport(next, { duration: 200 });
    });
    return () => cancelAnimationFrame(frame);
  }, [revealRequest, flow]);

  const hasInputsNode = plan.inputs.length > 0;
  const hadInputsNode = useRef(hasInputsNode);
  useEffect(() => {
    if (hasInputsNode && !hadInputsNode.current) store.getState().actions.reveal([INPUTS_NODE_ID]);
    hadInputsNode.current = hasInputsNode;
  }, [hasInputsNode, store]);

  // An issue or a step list entry was clicked: bring the step into view.
  useEffect(() => {
    if (!focus) return;
    const node = flow.getInternalNode(focus.stepId);
    if (!node) return;
    const w = node.measured.width ?? 280;
    const h = node.measured.height ?? 120;
    void flow.setCenter(node.internals.positionAbsolute.x + w / 2, node.internals.positionAbsolute.y + h / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
  }, [focus, flow]);

  const onNodesChange = useCallback((changes: NodeChange<EditorNode>[]) => {
    const moved: Record<string, XY> = {};
    const sized: Record<string, Size> = {};
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === "position" && c.position) moved[c.id] = c.position;
      else if (c.type === "dimensions" && c.dimensions) sized[c.id] = c.dimensions;
      else if (c.type === "select") {
        selection ??= new Set(store.getState().selectedSteps);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
    }
    const { actions: a, selectedEdges: edgesNow } = store.getState();
    if (Object.keys(moved).length) a.setPositions(moved);
    if (Object.keys(sized).length) a.setMeasured(sized);
    if (selection) a.select([...selection], edgesNow);
  }, [store]);

  const onEdgesChange = useCallback((changes: EdgeChange<EditorEdge>[]) => {
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type !== "select") continue;
      selection ??= new Set(store.getState().selectedEdges);
      if (c.selected) selection.add(c.id);
      else selection.delete(c.id);
    }
    if (selection) store.getState().actions.select(store.getState().selectedSteps, [...selection]);
  }, [store]);

  const isValidConnection = useCallback<IsValidConnection<EditorEdge>>((c) => {
    const { plan: p, catalog: cat } = store.getState();
    return checkCanvasConnection(p, cat, c).ok;
  }, [store]);

  const onConnect = useCallback<OnConnect>((c: Connection) => {
    const { plan: p, catalog: cat, actions: a } = store.getState();
    const planned = planConnection(p, cat, c);
    if (!planned.ok) {
      a.toast("error", `Not connected: ${planned.reason}`);
      return;
    }
    // an input already bound to a reference: merge with it (firstOf) or replace it, as the person says
    if (planned.merge) {
      a.setMergeMenu({ x: pointer.current.x, y: pointer.current.y, step: c.target, input: c.targetHandle?.replace(/^in:/, "") ?? "", connection: { source: c.source, sourceHandle: c.sourceHandle ?? null, target: c.target, targetHandle: c.targetHandle ?? null } });
      return;
    }
    a.apply(planned.label, planned.edit);
  }, [store]);

  const onConnectEnd = useCallback((e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    const { actions: a, plan: p, catalog: cat, connecting } = store.getState();
    a.setConnecting(null);
    if (state.isValid || !state.fromHandle) return;
    const from = state.fromHandle;
    if (state.toHandle) {
      const [src, dst] = from.type === "source" ? [from, state.toHandle] : [state.toHandle, from];
      const r = planConnection(p, cat, { source: src.nodeId, sourceHandle: src.id, target: dst.nodeId, targetHandle: dst.id });
      if (!r.ok) a.toast("error", `Not connected: ${r.reason}`);
      return;
    }
    // Dropped on a step's body: connect to the one handle that fits, or offer the ones that do.
    const pt = "changedTouches" in e ? e.changedTouches[0] : e;
    const nodeId = document.elementFromPoint(pt.clientX, pt.clientY)?.closest(".react-flow__node")?.getAttribute("data-id");
    if (!nodeId || nodeId === from.nodeId) return;
    const fits = connecting?.handles[nodeId] ?? [];
    if (fits.length === 0) {
      a.toast("error", `Not connected: nothing on "${nodeId}" fits this ${from.type === "source" ? "output" : "input"}.`);
      return;
    }
    const ends = (h: string) => (from.type === "source"
      ? { source: from.nodeId, sourceHandle: from.id, target: nodeId, targetHandle: h }
      : { source: nodeId, sourceHandle: h, target: from.nodeId, targetHandle: from.id });
    if (fits.length === 1) {
      const r = planConnection(p, cat, ends(fits[0]));
      if (r.ok) a.apply(r.label, r.edit);
      else a.toast("error", `Not connected: ${r.reason}`);
      return;
    }
    a.setDropMenu({ x: pt.clientX, y: pt.clientY, nodeId, from: { nodeId: from.nodeId, handleId: from.id ?? null, type: from.type }, handles: fits });
  }, [store]);

  const onConnectStart = useCallback((_e: unknown, p: OnConnectStartParams) => {
    const { plan: pl, catalog: cat, actions: a } = store.getState();
    if (p.nodeId && p.handleType) a.setConnecting(connectHints(pl, cat, { nodeId: p.nodeId, handleId: p.handleId, type: p.handleType }));
  }, [store]);

  const onDrop = useCallback((e: DragEvent) => {
    const actionId = e.dataTransfer.getData(ACTION_DRAG_TYPE);
    if (!actionId) return;
    e.preventDefault();
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    store.getState().actions.addAction(actionId, { at: { x: at.x - 40, y: at.y - 20 } });
  }, [flow, store]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(ACTION_DRAG_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);

  return (
    <div ref={pane} className={styles.canvas} data-testid="canvas" data-ready={ready ? "true" : "false"} data-node-count={plan.steps.length} onDrop={onDrop} onDragOver={onDragOver} onPointerMoveCapture={(e) => { pointer.current = { x: e.clientX, y: e.clientY }; }}>
      {laidOut || layoutDone > 0 || nodes.length === 0 ? (
        <ReactFlow<EditorNode, EditorEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectStart={onConnectStart}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          connectionLineComponent={ConnectionLine}
          connectionRadius={26}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={["Meta", "Control", "Shift"]}
          minZoom={0.08}
          maxZoom={1.8}
          elevateEdgesOnSelect
          attributionPosition="bottom-left"
        >
          <Background variant={BackgroundVariant.Dots} gap={22} size={1.4} color="#c9d0da" />
          <Controls position="bottom-left" showInteractive={false} style={{ marginBottom: 28 }} />
          <MiniMap<EditorNode>
            position="bottom-right"
            pannable
            zoomable
            nodeBorderRadius={6}
            nodeColor={(n) => (n.type === "step" && n.data.errors ? "#f2b8b8" : n.type === "planInputs" ? "#cfe3d7" : "#d9dee6")}
            nodeStrokeColor={(n) => (n.selected ? "#2f6f4f" : "transparent")}
            maskColor="rgba(246, 247, 249, 0.7)"
            style={{ width: 180, height: 120 }}
          />
        </ReactFlow>
      ) : (
        <div className={styles.canvasLoading}>Laying out {plan.steps.length} steps…</div>
      )}
      <DropMenuView />
      <MergeMenuView />
    </div>
  );
}
