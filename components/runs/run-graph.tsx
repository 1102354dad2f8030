"use client";
/** The plan's graph, read-only; each node shows its step's live status. Status lives in context, never in node data. */
import { stepTitles } from "@/lib/core/step-titles";
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, useReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { createContext, memo, useContext, useEffect, useMemo, useState } from "react";
import { dataDependenciesOf, type Plan } from "@/lib/core/plan";
import { conditionOperands } from "@/lib/core/condition";
import { printCondition } from "@/lib/core/condition-text";
import { itemsText } from "@/lib/core/for-each";
import type { ActionSpec } from "@/lib/core/action";
import type { StepView } from "@/lib/core/run-view";
import { layoutSteps } from "@/components/graph/elk-layout";
import { StatusBadge, formatDuration } from "./status";

const NODE_W = 230;
const NODE_H = 78;

type RunNodeData = { title: string; action: string; effect: string; forEach?: boolean };
type RunNode = Node<RunNodeData, "runStep">;

const StatusContext = createContext<{ steps: Record<string, StepView>; now: number; selected?: string }>({ steps: {}, now: 0 });

const RunStepNode = memo(function RunStepNode({ id, data }: NodeProps<RunNode>) {
  const { steps, now, selected } = useContext(StatusContext);
  const s = steps[id];
  const status = s?.status ?? "pending";
  const elapsed = s?.attemptStartedAt && status === "running" ? now - Date.parse(s.attemptStartedAt) : s?.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : null;
  return (
    <div className={`run-node run-node-${status}${selected === id ? " selected" : ""}`} data-testid={`run-node-${id}`} data-step-status={status}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="run-node-top">
        <span className="run-node-id">{id}</span>
        <StatusBadge status={status} />
      </div>
      <div className="run-node-title">{data.title}</div>
      <div className="run-node-meta">
        <span className="mono">{data.action}</span>
        {elapsed !== null ? <span>{formatDuration(elapsed)}</span> : null}
        {s && s.attempts > 1 ? <span>attempt {s.attempts}</span> : null}
      </div>
      {status === "skipped" && s?.skipReason ? <div className="run-node-reason" data-testid={`run-node-reason-${id}`} title={s.skipReason}>{s.skipReason}</div> : null}
      {data.forEach && s?.items ? <div className="run-node-reason" data-testid={`run-node-items-${id}`}>{itemsText(s.items, s.itemCount)}</div> : null}
      {status === "running" && s?.progress ? <div className="run-node-progress"><span style={{ width: `${Math.round(s.progress.fraction * 100)}%` }} /></div> : null}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { runStep: RunStepNode };

const STATUS_COLOR: Record<string, string> = { running: "#2e6bc6", retrying: "#b26b00", awaiting_approval: "#b26b00", succeeded: "#1f8a4c", failed: "#c93a3a" };

/** Fits the view again when the space around the graph changes (the drawer opens or closes). */
function Refit({ fitKey }: { fitKey: string }) {
  const flow = useReactFlow();
  useEffect(() => {
    const t = setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1.1, duration: 200 }), 60);
    return () => clearTimeout(t);
  }, [fitKey, flow]);
  return null;
}

export function RunGraph({ plan, actions, steps, now, selected, onSelect, fitKey }: { plan: Plan; actions: ActionSpec[]; steps: Record<string, StepView>; now: number; selected?: string; onSelect(id: string): void; fitKey: string }) {
  const [positions, setPositions] = useState<Record<string, { x: number; y: number }> | null>(null);
  useEffect(() => {
    let live = true;
    void layoutSteps(plan.steps, () => ({ width: NODE_W, height: NODE_H })).then((r) => { if (live) setPositions(r.positions); });
    return () => { live = false; };
  }, [plan]);
  const specs = useMemo(() => new Map(actions.map((a) => [a.id, a])), [actions]);
  const titles = useMemo(() => stepTitles(plan.steps, (a) => specs.get(a)?.title), [plan, specs]);
  const nodes = useMemo<RunNode[]>(
    () => plan.steps.map((s) => ({
      id: s.id,
      type: "runStep",
      position: positions?.[s.id] ?? { x: 0, y: 0 },
      data: { title: titles.get(s.id) ?? s.action, action: s.action, effect: specs.get(s.action)?.effect ?? "pure", forEach: Boolean(s.forEach) },
      draggable: false,
      connectable: false,
    })),
    [plan, positions, specs, titles],
  );
  const edges = useMemo<Edge[]>(() => {
    const out: Edge[] = [];
    for (const s of plan.steps) {
      const data = new Set(dataDependenciesOf(s));
      for (const d of data) out.push({ id: `${d}->${s.id}`, source: d, target: s.id, className: "run-edge-data" });
      for (const a of s.after ?? []) if (!data.has(a)) out.push({ id: `${a}~>${s.id}`, source: a, target: s.id, className: "run-edge-order", style: { strokeDasharray: "5 4" } });
      if (s.when) {
        // the step runs under a condition: dashed, labelled with it
        const label = `when ${printCondition(s.when)}`;
        const from = new Set(conditionOperands(s.when).flatMap((o) => (o.kind === "step" && o.step !== s.id ? [o.step] : [])));
        for (const d of from) out.push({ id: `${d}?>${s.id}`, source: d, target: s.id, className: "run-edge-condition", label, style: { strokeDasharray: "6 4", stroke: "#7c5cc4" }, labelStyle: { fontSize: 10, fill: "#4b3a86" }, labelBgStyle: { fill: "#f4f0ff" } });
      }
    }
    return out;
  }, [plan]);
  const ctx = useMemo(() => ({ steps, now, selected }), [steps, now, selected]);
  return (
    <StatusContext.Provider value={ctx}>
      <div className="run-graph" data-testid="run-graph" data-laid-out={positions ? "true" : "false"}>
        {positions ? (
          <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }} nodesDraggable={false} nodesConnectable={false} elementsSelectable onNodeClick={(_, n) => onSelect(n.id)} minZoom={0.2}>
            <Background gap={18} color="#e6e9ef" />
            {plan.steps.length > 12 ? <MiniMap pannable zoomable nodeColor={(n) => STATUS_COLOR[steps[n.id]?.status ?? ""] ?? "#cdd3dc"} /> : null}
            <Controls showInteractive={false} />
            <Refit fitKey={fitKey} />
          </ReactFlow>
        ) : (
          <div className="subtle" style={{ padding: 20 }}>Laying out the plan…</div>
        )}
      </div>
    </StatusContext.Provider>
  );
}
