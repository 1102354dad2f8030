"use client";
/** A step on the canvas: its title and action, one handle per input and output, typed and coloured. */
import { Handle, NodeToolbar, Position, type NodeProps } from "@xyflow/react";
import { memo, type CSSProperties } from "react";
import type { StepNode } from "./graph-view";
import { DONE_HANDLE, WAIT_HANDLE, inHandle } from "./handles";
import { Icon } from "./icons";
import { useActions, useEditor, useEditorStore } from "./store-context";
import { useHandleSync } from "./use-handle-sync";
import { NODE_WIDTH, nodeHeight, visiblePorts, type InputPort, type OutputPort, type TypeKind } from "./step-view";
import styles from "./nodes.module.css";

export function portColor(kind: TypeKind): CSSProperties {
  const known = kind === "string" || kind === "number" || kind === "boolean" || kind === "array" || kind === "object";
  return { "--port": `var(--type-${known ? kind : "any"})` } as CSSProperties;
}

type Hint = "fits" | "refuses" | undefined;

function hintOf(hints: readonly string[] | null | undefined, handle: string): Hint {
  if (hints === undefined) return undefined;
  return hints?.includes(handle) ? "fits" : "refuses";
}

function InputRow({ port, hint }: { port: InputPort; hint: Hint }) {
  const cls = [styles.port, port.bound ? styles.bound : "", port.issue === "error" ? styles.portError : "", hint === "fits" ? styles.portFits : ""].join(" ");
  return (
    <div className={`${styles.inCell} ${hint === "refuses" ? styles.refuses : ""}`} data-testid={`port-in-${port.name}`} title={`${port.name}: ${port.fullType}${port.required ? " (required)" : ""}${port.value ? `\n= ${port.value}` : ""}`}>
      <Handle type="target" position={Position.Left} id={inHandle(port.name)} className={cls} style={portColor(port.kind)} />
      <span className={`${styles.portName} ${port.issue === "error" ? styles.nameError : ""}`}>
        {port.name}
        {port.required ? <span className={styles.req}>*</span> : null}
      </span>
      {port.bound === "literal" ? (
        <span className={styles.portValue}>{port.value}</span>
      ) : (
        <span className={`${styles.portType} type-${port.kind}`}>{port.type}</span>
      )}
    </div>
  );
}

function OutputRow({ port, hint }: { port: OutputPort; hint: Hint }) {
  const whole = port.name === "output";
  return (
    <div className={`${styles.outCell} ${hint === "refuses" ? styles.refuses : ""}`} data-testid={`port-out-${port.name}`} title={`${whole ? "the whole output" : port.name}: ${port.fullType}`}>
      <span className={`${styles.portType} type-${port.kind}`}>{port.type}</span>
      <span className={`${styles.portName} ${whole ? styles.wholeOutput : ""}`}>{port.name}</span>
      <Handle type="source" position={Position.Right} id={port.handle} className={`${styles.port} ${styles.bound} ${hint === "fits" ? styles.portFits : ""}`} style={portColor(port.kind)} />
    </div>
  );
}

export const StepNodeView = memo(function StepNodeView({ id, data, selected }: NodeProps<StepNode>) {
  const expanded = useEditor((s) => Boolean(s.expanded[id]));
  // While a connection is dragged: which of this node's handles accept it (null: none; undefined: no drag).
  const hints = useEditor((s) => (s.connecting ? s.connecting.handles[id] ?? null : undefined));
  const from = useEditor((s) => s.connecting?.from);
  const { toggleExpanded, setCoverageHover } = useActions();
  const single = useEditor((s) => selected && s.selectedSteps.length === 1);
  // Lit while the pointer is over a part of the goal this step does (goal-coverage.tsx).
  const lit = useEditor((s) => s.coverageHover !== null && "part" in s.coverageHover && s.coverageHover.steps.includes(id));
  // Hidden ports stay hidden while connecting (nodes must not grow under the pointer); the
  // "more" row says how many of them fit, and dropping on the node offers them (drop-menu.tsx).
  const ports = visiblePorts(data, expanded);
  const hiddenFits = hints && ports.hidden ? hints.filter((h) => (from === "source" ? !ports.inputs.some((p) => inHandle(p.name) === h) && h.startsWith("in:") : !ports.outputs.some((p) => p.handle === h) && h.startsWith("out"))).length : 0;
  useHandleSync(id, [...ports.inputs.map((p) => p.name), "|", ...ports.outputs.map((p) => p.handle)].join(","));
  const rows = Math.max(1, ports.inputs.length, ports.outputs.length);
  const state = data.errors ? styles.hasErrors : data.warnings ? styles.hasWarnings : "";
  return (
    <div
      className={`${styles.node} ${styles[`effect_${data.effect}`]} ${state} ${selected ? styles.selected : ""} ${lit ? styles.coverageLit : ""}`}
      style={{ width: NODE_WIDTH, height: nodeHeight(ports) }}
      data-testid={`step-node-${id}`}
      data-errors={data.errors}
      data-lit={lit ? "true" : undefined}
      onMouseEnter={() => setCoverageHover({ step: id })}
      onMouseLeave={() => setCoverageHover(null)}
    >
      {single ? <StepToolbar id={id} /> : null}
      <div className={styles.header}>
        <Handle type="target" position={Position.Left} id={WAIT_HANDLE} className={styles.orderHandle} title="Wait for another step (order only)" />
        <Handle type="source" position={Position.Right} id={DONE_HANDLE} className={styles.orderHandle} title="Make another step wait for this one" />
        <div className={styles.topline}>
          <span className={styles.stepId}>{id}</span>
          <span className={styles.badges}>
            {data.approval ? <span className={styles.approval} title="Waits for a person's approval"><Icon name="shield" size={12} /></span> : null}
            {data.retries && data.retries > 1 ? <span className={styles.chip} title={`Up to ${data.retries} attempts`}>×{data.retries}</span> : null}
            {data.onError === "continue" ? <span className={styles.chip} title="Continues when it fails">continue</span> : null}
            {data.forEach ? <span className={styles.chip} title="Runs once per item of a list" data-testid="node-for-each-badge">for each</span> : null}
            <span className={`${styles.effect} ${styles[`effectChip_${data.effect}`]}`} title={`Effect: ${data.effect}`}>{data.effect}</span>
            {data.errors ? (
              <span className={styles.issueBadge} title={data.firstError} data-testid="node-issue-badge">
                <Icon name="alert" size={11} />
                {data.errors}
              </span>
            ) : data.warnings ? (
              <span className={styles.warnBadge} title={`${data.warnings} warning${data.warnings === 1 ? "" : "s"}`}>{data.warnings}</span>
            ) : null}
          </span>
        </div>
        <div className={styles.title}>{data.title}</div>
        <div className={styles.action}>{data.action}</div>
      </div>
      <div className={styles.body}>
        {Array.from({ length: rows }, (_, i) => (
          <div className={styles.row} key={i}>
            {ports.inputs[i] ? <InputRow port={ports.inputs[i]} hint={from === "source" ? hintOf(hints, inHandle(ports.inputs[i].name)) : undefined} /> : <div className={styles.inCell} />}
            {ports.outputs[i] ? <OutputRow port={ports.outputs[i]} hint={from === "target" ? hintOf(hints, ports.outputs[i].handle) : undefined} /> : <div className={styles.outCell} />}
          </div>
        ))}
        {ports.toggle ? (
          <button type="button" className={`${styles.more} ${hiddenFits ? styles.moreFits : ""} nodrag`} onClick={() => toggleExpanded(id)} data-testid="node-toggle-ports">
            {ports.hidden ? (hiddenFits ? `+ ${ports.hidden} more · ${hiddenFits} fit: drop on the step` : `+ ${ports.hidden} more`) : "Show fewer"}
          </button>
        ) : null}
      </div>
    </div>
  );
});

/** Over the selected step: add a step after it, duplicate it, delete it. */
function StepToolbar({ id }: { id: string }) {
  const store = useEditorStore();
  const a = store.getState().actions;
  return (
    <NodeToolbar isVisible position={Position.Top} align="end" offset={8} className={styles.toolbar}>
      <button
        type="button"
        title="Add a step after this one"
        onClick={() => {
          a.setSidebar("add");
          requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid="palette-search"]')?.focus());
        }}
        data-testid="node-add-after"
      >
        <Icon name="plus" size={14} /> Add after
      </button>
      <button type="button" title="Duplicate (Ctrl/⌘ D)" onClick={() => a.paste(store.getState().plan.steps.filter((s) => s.id === id))} data-testid="node-duplicate">
        <Icon name="copy" size={14} />
      </button>
      <button type="button" title="Delete (Delete)" className={styles.toolbarDanger} onClick={() => a.deleteSelection()} data-testid="node-delete">
        <Icon name="trash" size={14} />
      </button>
    </NodeToolbar>
  );
}
