"use client";
/** The plan's inputs as one node: each a typed source handle that step inputs can read. */
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { InputsNode } from "./graph-view";
import { INPUTS_NODE_ID, planInputHandle } from "./handles";
import { useEditor } from "./store-context";
import { useHandleSync } from "./use-handle-sync";
import { INPUTS_NODE_WIDTH, inputsNodeHeight } from "./step-view";
import { portColor } from "./step-node";
import { Icon } from "./icons";
import styles from "./nodes.module.css";

export const InputsNodeView = memo(function InputsNodeView({ id, data }: NodeProps<InputsNode>) {
  useHandleSync(id, data.inputs.map((i) => i.name).join(","));
  // While an input's connection is dragged back to a source, plan inputs that fit glow and the rest fade.
  const hints = useEditor((s) => (s.connecting?.from === "target" ? s.connecting.handles[INPUTS_NODE_ID] ?? null : undefined));
  return (
    <div className={`${styles.node} ${styles.inputsNode}`} style={{ width: INPUTS_NODE_WIDTH, height: inputsNodeHeight(data.inputs.length) }} data-testid="plan-inputs-node">
      <div className={styles.inputsHeader}>
        <Icon name="input" size={14} />
        Plan inputs
      </div>
      <div className={styles.body}>
        {data.inputs.map((i) => (
          <div className={styles.row} key={i.name}>
            <div className={`${styles.outCell} ${hints !== undefined && !hints?.includes(planInputHandle(i.name)) ? styles.refuses : ""}`} style={{ width: "100%" }} title={`${i.name}: ${i.type}${i.used ? "" : " (not used yet)"}`}>
              <span className={`${styles.portName} ${i.used ? "" : styles.unused}`}>{i.name}</span>
              <span className={`${styles.portType} type-${i.kind}`}>{i.type}</span>
              <Handle type="source" position={Position.Right} id={planInputHandle(i.name)} className={`${styles.port} ${styles.bound} ${hints?.includes(planInputHandle(i.name)) ? styles.portFits : ""}`} style={portColor(i.kind)} />
            </div>
          </div>
        ))}
      </div>
    </div>
  );
});
