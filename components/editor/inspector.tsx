"use client";
/** The right panel: the selected step's inputs and settings; several steps; or, with nothing selected, the plan. */
import { useEffect, useState } from "react";
import { isObject } from "@/lib/core/json-schema";
import type { ValidationIssue } from "@/lib/core/issues";
import { removeSteps } from "@/lib/core/plan-edits";
import { BindingField } from "./binding-field";
import { Icon } from "./icons";
import { PlanOverview } from "./plan-overview";
import { StepSettings } from "./step-settings";
import { ConditionField } from "./condition-field";
import { ForEachField } from "./for-each-field";
import { useActions, useEditor } from "./store-context";
import { validationOf } from "./validation";
import styles from "./forms.module.css";

export function Inspector() {
  const selected = useEditor((s) => s.selectedSteps);
  if (selected.length === 0) return <PlanOverview />;
  if (selected.length > 1) return <MultiSelection ids={selected} />;
  return <StepInspector stepId={selected[0]} />;
}

function MultiSelection({ ids }: { ids: string[] }) {
  const { apply, paste, copySelection } = useActions();
  const plan = useEditor((s) => s.plan);
  return (
    <div className={styles.panel} data-testid="inspector-multi">
      <div className={styles.panelHeader}>
        <div>
          <div className={styles.eyebrow}>Selection</div>
          <h2 className={styles.panelTitle}>{ids.length} steps</h2>
        </div>
      </div>
      <div className={styles.section}>
        <div className={styles.chips}>{ids.map((id) => <span key={id} className={styles.chip}>{id}</span>)}</div>
        <div className={styles.buttonRow}>
          <button type="button" className="button" onClick={() => paste(plan.steps.filter((s) => ids.includes(s.id)))}><Icon name="copy" /> Duplicate</button>
          <button type="button" className="button" onClick={() => copySelection()}>Copy</button>
          <button type="button" className={`button ${styles.danger}`} onClick={() => apply(`Delete ${ids.length} steps`, (p) => removeSteps(p, ids), { select: [] })}><Icon name="trash" /> Delete</button>
        </div>
        <p className={styles.help}>Drag them together on the canvas; Ctrl/Cmd+C and V copy and paste them, also into another plan.</p>
      </div>
    </div>
  );
}

function StepInspector({ stepId }: { stepId: string }) {
  const { apply, paste } = useActions();
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const focus = useEditor((s) => (s.focus?.stepId === stepId ? s.focus : null));
  const step = plan.steps.find((s) => s.id === stepId);
  const issues = validationOf(plan, catalog).issues.filter((i) => i.stepId === stepId);

  // An issue that names an input was clicked: show that input.
  useEffect(() => {
    if (!focus?.input) return;
    const el = document.querySelector(`[data-input-field="${CSS.escape(focus.input)}"]`);
    el?.scrollIntoView({ block: "center", behavior: "smooth" });
    el?.querySelector<HTMLElement>("input, textarea, select")?.focus({ preventScroll: true });
  }, [focus]);

  if (!step) return <PlanOverview />;
  const spec = catalog.get(step.action);
  const props = spec && isObject(spec.input.properties) ? (spec.input.properties as Record<string, unknown>) : {};
  const required = new Set(spec && Array.isArray(spec.input.required) ? (spec.input.required as string[]) : []);
  const names = [...Object.keys(props), ...Object.keys(step.inputs).filter((n) => !(n in props))];
  names.sort((a, b) => Number(required.has(b)) - Number(required.has(a)) || Number(b in step.inputs) - Number(a in step.inputs));
  const byInput = new Map<string, ValidationIssue[]>();
  const general: ValidationIssue[] = [];
  const onCondition = issues.filter((i) => i.when);
  const onForEach = issues.filter((i) => FOR_EACH_CODES.has(i.code));
  for (const i of issues) {
    if (i.when || FOR_EACH_CODES.has(i.code)) continue;
    if (i.input) byInput.set(i.input, [...(byInput.get(i.input) ?? []), i]);
    else general.push(i);
  }

  return (
    <div className={styles.panel} data-testid="inspector">
      <div className={styles.panelHeader}>
        <div className={styles.headerText}>
          <div className={styles.eyebrow}>
            <span className={`${styles.effectDot} ${styles[`effect_${spec?.effect ?? "unknown"}`]}`} />
            {spec ? `${spec.effect} · ${spec.id}` : `unknown action ${step.action}`}
          </div>
          <h2 className={styles.panelTitle} data-testid="inspector-title">{step.label || spec?.title || step.action}</h2>
          {spec ? <Description text={spec.description} /> : null}
        </div>
        <div className={styles.headerButtons}>
          <button type="button" className={styles.iconButton} title="Duplicate (Ctrl/Cmd+D)" onClick={() => paste([step])}><Icon name="copy" /></button>
          <button type="button" className={`${styles.iconButton} ${styles.dangerIcon}`} title="Delete step (Delete)" onClick={() => apply(`Delete step ${step.id}`, (p) => removeSteps(p, [step.id]), { select: [] })} data-testid="inspector-delete">
            <Icon name="trash" />
          </button>
        </div>
      </div>
      {general.length ? (
        <div className={styles.section}>
          {general.map((i, k) => <div key={k} className={i.severity === "error" ? styles.fieldError : styles.fieldWarning}>{i.message}{i.hint ? ` ${i.hint}` : ""}</div>)}
        </div>
      ) : null}
      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>Inputs</h3>
        {names.length === 0 ? <p className={styles.help}>This action takes no input.</p> : null}
        {names.map((name) => (
          <BindingField key={name} step={step} name={name} schema={props[name] ?? {}} required={required.has(name)} issues={byInput.get(name) ?? []} highlight={focus?.input === name ? focus.seq : null} />
        ))}
      </div>
      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>Condition</h3>
        <ConditionField step={step} issues={onCondition} />
      </div>
      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>For each</h3>
        <ForEachField step={step} issues={onForEach} />
      </div>
      <div className={styles.section}>
        <h3 className={styles.sectionTitle}>Settings</h3>
        <StepSettings step={step} spec={spec} />
      </div>
    </div>
  );
}

const FOR_EACH_CODES: ReadonlySet<string> = new Set(["for_each_not_list", "invalid_for_each"]);

function Description({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > 160;
  return (
    <div>
      <p className={`${styles.help} ${long && !open ? styles.clamp : ""}`}>{text}</p>
      {long ? <button type="button" className={styles.linkButton} onClick={() => setOpen(!open)}>{open ? "Less" : "More"}</button> : null}
    </div>
  );
}
