"use client";
/** The line drawn while connecting; over a handle that refuses it, it says why. */
import { getBezierPath, useStore, type ConnectionLineComponentProps } from "@xyflow/react";
import type { EditorNode } from "./graph-view";
import { planConnection } from "./connection-rules";
import { useEditor } from "./store-context";
import styles from "./nodes.module.css";

export function ConnectionLine({ fromX, fromY, toX, toY, fromPosition, toPosition, connectionStatus, fromHandle, toHandle }: ConnectionLineComponentProps<EditorNode>) {
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  // The reason is read on screen, so it is drawn at screen scale whatever the zoom.
  const zoom = useStore((s) => s.transform[2]);
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, sourcePosition: fromPosition, targetX: toX, targetY: toY, targetPosition: toPosition });
  let reason: string | null = null;
  if (connectionStatus === "invalid" && toHandle) {
    const [src, dst] = fromHandle.type === "source" ? [fromHandle, toHandle] : [toHandle, fromHandle];
    const r = planConnection(plan, catalog, { source: src.nodeId, sourceHandle: src.id, target: dst.nodeId, targetHandle: dst.id });
    if (!r.ok) reason = r.reason;
  }
  return (
    <g>
      <path d={path} fill="none" className={`${styles.connectionLine} ${connectionStatus === "invalid" ? styles.connectionInvalid : connectionStatus === "valid" ? styles.connectionValid : ""}`} />
      {reason ? (
        <foreignObject x={toX + 14 / zoom} y={toY + 10 / zoom} width={300 / zoom} height={120 / zoom} style={{ overflow: "visible" }}>
          <div className={styles.refusal} style={{ width: "max-content", transform: `scale(${1 / zoom})`, transformOrigin: "0 0" }} data-testid="connection-reason">{reason}</div>
        </foreignObject>
      ) : null}
    </g>
  );
}
