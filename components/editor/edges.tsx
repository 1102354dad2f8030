"use client";
/** Edges: bindings (coloured by the type that flows) and order-only dependencies (dashed). */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { BindingEdge, ConditionEdge, OrderEdge } from "./graph-view";
import { Icon } from "./icons";
import { useActions } from "./store-context";
import styles from "./nodes.module.css";

function EdgeButton({ x, y, label, testId }: { x: number; y: number; label?: string; testId: string }) {
  const { deleteSelection } = useActions();
  return (
    <EdgeLabelRenderer>
      <div className={`${styles.edgeLabel} nodrag nopan`} style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}>
        {label ? <span className={styles.edgePath}>{label}</span> : null}
        <button type="button" className={styles.edgeDelete} onClick={deleteSelection} title="Remove this connection (Delete)" data-testid={testId}>
          <Icon name="close" size={11} />
        </button>
      </div>
    </EdgeLabelRenderer>
  );
}

export const BindingEdgeView = memo(function BindingEdgeView(props: EdgeProps<BindingEdge>) {
  const { id, data, selected } = props;
  const [path, x, y] = getBezierPath(props);
  const kind = data?.kind ?? "any";
  const known = kind === "string" || kind === "number" || kind === "boolean" || kind === "array" || kind === "object";
  const stroke = data?.invalid ? "var(--danger)" : `var(--type-${known ? kind : "any"})`;
  return (
    <>
      <BaseEdge id={id} path={path} interactionWidth={18} className={`${styles.edge} ${data?.invalid ? styles.edgeInvalid : ""} ${selected ? styles.edgeSelected : ""}`} style={{ stroke }} />
      {selected ? (
        <EdgeButton x={x} y={y} label={data?.label} testId="edge-delete" />
      ) : data?.label ? (
        <EdgeLabelRenderer>
          <div className={`${styles.edgeLabel} ${styles.edgeLabelPassive}`} style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}>
            <span className={styles.edgePath}>{data.label}</span>
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});

export const OrderEdgeView = memo(function OrderEdgeView(props: EdgeProps<OrderEdge>) {
  const { id, selected, markerEnd } = props;
  const [path, x, y] = getBezierPath(props);
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={16} className={`${styles.orderEdge} ${selected ? styles.edgeSelected : ""}`} />
      {selected ? <EdgeButton x={x} y={y} label="waits for" testId="edge-delete" /> : null}
    </>
  );
});

/** A condition's edge: dashed, labelled with the condition the step runs under. */
export const ConditionEdgeView = memo(function ConditionEdgeView(props: EdgeProps<ConditionEdge>) {
  const { id, data, markerEnd } = props;
  const [path, x, y] = getBezierPath(props);
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={0} className={`${styles.conditionEdge} ${data?.invalid ? styles.edgeInvalid : ""}`} />
      {data?.label ? (
        <EdgeLabelRenderer>
          <div className={`${styles.edgeLabel} ${styles.edgeLabelPassive} ${styles.conditionLabel}`} style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }} data-testid="condition-edge-label" title={data.label}>
            <span className={styles.edgePath}>{data.label}</span>
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});
