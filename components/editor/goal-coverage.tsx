"use client";
/**
 * The goal above the canvas, each part of it linked to the steps that do it: hovering a part
 * lights up its steps on the canvas, hovering a step lights up its parts, a click selects the
 * steps. Parts nothing covers are marked, with why. Coverage comes from planning; steps edited
 * away since read as uncovered (coverageForSteps), so the view never claims what the plan no
 * longer does.
 */
import { coverageForSteps, locateParts, type Coverage, type GoalPart } from "@/lib/core/coverage";
import { stepTitles } from "@/lib/core/step-titles";
import { useActions, useEditor } from "./store-context";
import styles from "./goal-coverage.module.css";

const REASONS = { no_action: "no action fits", needs_llm: "needs an LLM", needs_value: "needs a value the goal does not give" } as const;

export function GoalCoverage({ coverage }: { coverage: Coverage | null }) {
  const plan = useEditor((s) => s.plan);
  const catalog = useEditor((s) => s.catalog);
  const hover = useEditor((s) => s.coverageHover);
  const { setCoverageHover, select } = useActions();
  if (!coverage || !coverage.parts.length) return null;
  const live = coverageForSteps(coverage, new Set(plan.steps.map((s) => s.id)));
  const titles = stepTitles(plan.steps, (a) => catalog.get(a)?.title);
  const located = locateParts(plan.goal, live.parts);
  const unplaced = live.parts.filter((p) => !located.some((l) => l.part === p));
  const covered = live.parts.filter((p) => !p.uncovered && p.steps.length).length;

  const lit = (p: GoalPart) => hover !== null && ("part" in hover ? live.parts[hover.part] === p : p.steps.includes(hover.step));
  const mark = (p: GoalPart, text: string, key: string | number) => {
    const index = live.parts.indexOf(p);
    const done = !p.uncovered && p.steps.length > 0;
    const by = p.steps.map((s) => titles.get(s) ?? s).join(", ");
    const title = done ? `Done by ${by}` : `${REASONS[p.uncovered?.reason ?? "no_action"]}: ${p.uncovered?.message ?? "no step does this"}${p.steps.length ? ` (tried: ${by})` : ""}`;
    return (
      <button
        key={key}
        type="button"
        className={`${styles.part} ${done ? styles.covered : styles.uncovered} ${lit(p) ? styles.lit : ""}`}
        title={title}
        data-testid={`goal-part-${index}`}
        data-covered={done ? "true" : "false"}
        data-reason={p.uncovered?.reason}
        data-lit={lit(p) ? "true" : undefined}
        onMouseEnter={() => setCoverageHover({ part: index, steps: p.steps })}
        onMouseLeave={() => setCoverageHover(null)}
        onFocus={() => setCoverageHover({ part: index, steps: p.steps })}
        onBlur={() => setCoverageHover(null)}
        onClick={() => p.steps.length && select(p.steps)}
      >
        {text}
        {done ? null : <span className={styles.reason}>{REASONS[p.uncovered?.reason ?? "no_action"]}</span>}
      </button>
    );
  };

  const pieces: React.ReactNode[] = [];
  let at = 0;
  for (const l of located) {
    if (l.start > at) pieces.push(<span key={`t${at}`}>{plan.goal.slice(at, l.start)}</span>);
    pieces.push(mark(l.part, plan.goal.slice(l.start, l.end), `p${l.start}`));
    at = l.end;
  }
  if (at < plan.goal.length) pieces.push(<span key={`t${at}`}>{plan.goal.slice(at)}</span>);

  return (
    <div className={styles.bar} data-testid="goal-coverage">
      <span className={`${styles.summary} ${covered === live.parts.length ? styles.summaryOk : styles.summaryOpen}`} data-testid="goal-coverage-summary">
        {covered === live.parts.length ? "Covers the goal" : `Covers ${covered} of ${live.parts.length} parts`}
      </span>
      <p className={styles.goal}>
        {pieces}
        {unplaced.map((p, i) => <span key={`u${i}`}> {mark(p, p.text, `u${i}`)}</span>)}
      </p>
    </div>
  );
}
