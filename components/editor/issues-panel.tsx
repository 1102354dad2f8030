"use client";
/**
 * The live validation result under the canvas: the same validator the server runs. Clicking
 * an issue focuses its step and input; candidates from the validator become one-click fixes.
 */
import type { ValidationIssue } from "@/lib/core/issues";
import { openDisconnections, type Disconnection } from "./disconnections";
import { Icon } from "./icons";
import { quickFixes } from "./quick-fixes";
import { useActions, useEditor } from "./store-context";
import { validationOf } from "./validation";
import styles from "./editor.module.css";

const ORDER = { error: 0, warning: 1, info: 2 } as const;

export function IssuesPanel() {
  const { setIssuesOpen } = useActions();
  const open = useEditor((s) => s.issuesOpen);
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const issues = [...validationOf(plan, catalog).issues].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const notices = openDisconnections(useEditor((s) => s.disconnected), plan);
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.filter((i) => i.severity === "warning").length + notices.length;
  const summary = errors || warnings
    ? [errors ? `${errors} error${errors === 1 ? "" : "s"}` : "", warnings ? `${warnings} warning${warnings === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ")
    : "No issues: every step, type and reference checks out";
  return (
    <section className={`${styles.issues} ${open ? styles.issuesOpen : ""}`} data-testid="issues-panel">
      <button type="button" className={styles.issuesBar} onClick={() => setIssuesOpen(!open)} aria-expanded={open} data-testid="issues-toggle">
        <span className={`${styles.issuesDot} ${errors ? styles.dotError : warnings ? styles.dotWarning : styles.dotOk}`}>
          <Icon name={errors || warnings ? "alert" : "check"} size={12} />
        </span>
        <span className={styles.issuesSummary} data-testid="issues-summary">{summary}</span>
        {issues.length + notices.length ? <span className={styles.issuesHint}>{open ? "Hide" : "Show"}</span> : null}
        {issues.length + notices.length ? <Icon name={open ? "chevronDown" : "chevronUp"} /> : null}
      </button>
      {open && issues.length + notices.length ? (
        <ul className={styles.issueList} data-testid="issue-list">
          {issues.filter((i) => i.severity === "error").map((issue, i) => <IssueRow key={`e${i}`} issue={issue} />)}
          {notices.map((d) => <LostSourceRow key={`${d.stepId}.${d.input}`} d={d} />)}
          {issues.filter((i) => i.severity !== "error").map((issue, i) => <IssueRow key={`w${i}`} issue={issue} />)}
        </ul>
      ) : null}
    </section>
  );
}

function IssueRow({ issue }: { issue: ValidationIssue }) {
  const { focusOn, apply, setSidebar } = useActions();
  const plan = useEditor((s) => s.plan);
  const fixes = quickFixes(issue, plan);
  const go = () => {
    if (issue.stepId) focusOn(issue.stepId, issue.input);
    else if (issue.input) setSidebar("inputs");
  };
  return (
    <li className={styles.issue} data-code={issue.code} data-severity={issue.severity}>
      <span className={`${styles.sev} ${styles[`sev_${issue.severity}`]}`}>{issue.severity}</span>
      <div className={styles.issueMain}>
        <button type="button" className={styles.issueMessage} onClick={go} data-testid="issue-item">
          {issue.message}
        </button>
        {issue.hint ? <div className={styles.issueHint}>{issue.hint}</div> : null}
        <div className={styles.issueMeta}>
          <code>{issue.code}</code>
          {issue.stepId ? <span>step <b>{issue.stepId}</b></span> : null}
          {issue.input ? <span>input <b>{issue.input}</b></span> : null}
          {issue.output ? <span>output <b>{issue.output}</b></span> : null}
          {fixes.map((f) => (
            <button key={f.label} type="button" className={styles.fix} onClick={() => apply(`Fix: ${f.label}`, f.edit)} data-testid="issue-fix">{f.label}</button>
          ))}
        </div>
      </div>
    </li>
  );
}

/** An optional input that lost its source when a step was deleted: kept by the editor, not the validator. */
function LostSourceRow({ d }: { d: Disconnection }) {
  const { focusOn, dismissDisconnection } = useActions();
  return (
    <li className={styles.issue} data-code="input_lost_source" data-severity="warning" data-testid="lost-source">
      <span className={`${styles.sev} ${styles.sev_warning}`}>warning</span>
      <div className={styles.issueMain}>
        <button type="button" className={styles.issueMessage} onClick={() => focusOn(d.stepId, d.input)} data-testid="issue-item">
          Step {d.stepId}&apos;s input {d.input} lost its source when step {d.from} was deleted. It is optional, so the plan is still valid, but {d.stepId} will run without it.
        </button>
        <div className={styles.issueHint}>Connect another source to {d.input}, or dismiss this if {d.stepId} should do without it.</div>
        <div className={styles.issueMeta}>
          <code>input_lost_source</code>
          <span>step <b>{d.stepId}</b></span>
          <span>input <b>{d.input}</b></span>
          <button type="button" className={styles.fix} onClick={() => dismissDisconnection(d)} data-testid="dismiss-lost-source">Dismiss</button>
        </div>
      </div>
    </li>
  );
}
