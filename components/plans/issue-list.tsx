import type { ValidationIssue } from "@/lib/core/issues";

const SEVERITY_CLASS = { error: "danger", warning: "warning", info: "info" } as const;

export function IssueList({ issues }: { issues: ValidationIssue[] }) {
  return (
    <ul className="issues" data-testid="issue-list">
      {issues.map((issue, i) => (
        <li key={i} data-code={issue.code}>
          <span className={`badge ${SEVERITY_CLASS[issue.severity]}`}>{issue.severity}</span>
          <div>
            <div>{issue.message}</div>
            {issue.hint ? <div className="hint">{issue.hint}</div> : null}
            <div className="where">
              {issue.code}
              {issue.stepId ? ` · step ${issue.stepId}` : ""}
              {issue.input ? ` · input ${issue.input}` : ""}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
