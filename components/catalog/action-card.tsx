import type { ActionSpec } from "@/lib/core/action";
import { isObject } from "@/lib/core/json-schema";
import { TypeChip } from "@/components/ui/type-chip";

export function ActionCard({ action }: { action: ActionSpec }) {
  const props = isObject(action.input.properties) ? (action.input.properties as Record<string, unknown>) : {};
  const required = new Set(Array.isArray(action.input.required) ? (action.input.required as string[]) : []);
  return (
    <article className="card action-card" data-testid="action-card" data-action={action.id} data-unavailable={action.unavailable ? "true" : undefined} style={action.unavailable ? { opacity: 0.65 } : undefined}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h3>{action.title}</h3>
        <span className="row">
          {action.unavailable ? <span className="badge danger" title={action.unavailable}>unavailable</span> : null}
          {action.approval ? <span className="badge warning">approval</span> : null}
          {action.usesLlm ? <span className="badge info">LLM</span> : null}
          <span className={`badge ${action.effect === "write" ? "warning" : action.effect === "read" ? "info" : ""}`}>{action.effect}</span>
        </span>
      </div>
      <div className="subtle mono">{action.id} · v{action.version}</div>
      <p className="desc" title={action.description}>{action.description}</p>
      {action.unavailable ? <p className="subtle" data-testid="action-unavailable">Cannot run now: {action.unavailable}.</p> : null}
      <ul className="typed-fields">
        {Object.entries(props).map(([name, schema]) => (
          <li key={name}>
            <span className="mono">{name}</span>
            {required.has(name) ? <span className="req" title="required">*</span> : null} <TypeChip schema={schema} />
          </li>
        ))}
        <li>
          <span className="subtle">returns</span> <TypeChip schema={action.output} />
        </li>
      </ul>
    </article>
  );
}
