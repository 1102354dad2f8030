/** How a dry run is labelled: a badge beside a run's status, a notice on its page, and a write step's preview. */
import type { DryRunPreview } from "@/lib/core/dry-run";
import type { StepView } from "@/lib/core/run-view";

export function DryRunBadge({ testId = "dry-run-badge" }: { testId?: string }) {
  return <span className="badge warning" data-testid={testId} title="A dry run: read steps ran, write steps only said what they would do">Dry run</span>;
}

export function DryRunNotice({ steps }: { steps: Record<string, StepView> }) {
  const previewed = Object.values(steps).filter((s) => s.preview).length;
  return (
    <div className="notice warning" data-testid="dry-run-notice">
      <strong>Dry run.</strong> Nothing was written: every step&apos;s input was resolved and checked, pure and read steps ran, and{" "}
      {previewed === 1 ? "one write step says" : `${previewed} write steps say`} what {previewed === 1 ? "it" : "they"} would do (open a step to see its preview).
    </div>
  );
}

/** A write step's preview: what it would do, and for a file the diff against the file there now. */
export function StepPreview({ preview }: { preview: DryRunPreview }) {
  return (
    <section data-testid="step-preview">
      <h3>{preview.kind === "file" ? `Would ${!preview.exists ? "create" : preview.diff === "" ? "leave unchanged" : "replace"} ${preview.path} · ${preview.bytes} bytes` : "Would do"}</h3>
      {preview.kind === "description" ? <div>{preview.text}</div> : null}
      {preview.kind === "file" && preview.diff ? (
        <pre className="mono" data-testid="step-preview-diff" style={{ maxHeight: 320, overflow: "auto", fontSize: 12, padding: 8, border: "1px solid var(--border)", borderRadius: 6, whiteSpace: "pre" }}>
          {preview.diff.split("\n").map((line, i) => (
            <div key={i} style={{ color: line.startsWith("+") && !line.startsWith("+++") ? "var(--ok)" : line.startsWith("-") && !line.startsWith("---") ? "var(--danger)" : line.startsWith("@@") ? "var(--info)" : undefined }}>{line || "\u00a0"}</div>
          ))}
        </pre>
      ) : preview.kind === "file" && preview.diff === "" ? <div className="subtle">The file there now has this content already.</div> : null}
      {preview.kind === "file" && preview.binary ? <div className="subtle">Binary content: no line diff.</div> : null}
    </section>
  );
}
