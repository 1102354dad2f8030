/**
 * What the goal page shows when nothing in the catalog does any part of the goal: no plan,
 * but what Trellis cannot do with the actions it has, and what would help (the nearest
 * actions, connecting an LLM, connecting a tool server).
 */
import Link from "next/link";
import type { Coverage } from "@/lib/core/coverage";
import type { PlanHelp } from "@/lib/planner/request";
import styles from "./no-plan.module.css";

export interface NoPlanProps {
  goal: string;
  coverage: Coverage;
  help?: PlanHelp;
}

const REASONS = { no_action: "No action fits", needs_llm: "Needs an LLM", needs_value: "Needs more detail" } as const;

export function NoPlan({ goal, coverage, help }: NoPlanProps) {
  return (
    <div className={styles.box} role="status" data-testid="no-plan">
      <h3 className={styles.title}>Trellis cannot do this with the actions it has</h3>
      <p className={styles.goal}>“{goal}”</p>
      <ul className={styles.parts} data-testid="no-plan-parts">
        {coverage.parts.map((p, i) => (
          <li key={i}>
            <span className={styles.reason} data-reason={p.uncovered?.reason ?? "covered"}>{p.uncovered ? REASONS[p.uncovered.reason] : "Covered"}</span>
            <span className={styles.partText}>{p.text}</span>
            {p.uncovered ? <span className="subtle">{p.uncovered.message}</span> : null}
          </li>
        ))}
      </ul>
      {help ? (
        <div className={styles.help} data-testid="no-plan-help">
          <h4>What would help</h4>
          <ul>
            {help.nearest.length ? (
              <li>
                The nearest actions Trellis has:{" "}
                {help.nearest.map((a, i) => (
                  <span key={a.id}>
                    {i ? ", " : ""}
                    <Link href={`/catalog#${encodeURIComponent(a.id)}`} title={a.description}><code>{a.id}</code> ({a.title})</Link>
                  </span>
                ))}
                . Say the goal in terms of what they do.
              </li>
            ) : null}
            {help.connectLlm ? <li>Connecting an LLM (set <code>OPENAI_API_KEY</code>, or <code>OPENAI_BASE_URL</code> for a local server) lets Trellis plan with it and run actions that need one.</li> : null}
            {help.connectTools ? <li>Connecting a tool server that can do it: an MCP server (<code>TRELLIS_MCP_CONFIG</code>) or an HTTP API from its OpenAPI document; its tools become actions.</li> : null}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
