import { bindingLabel } from "@/lib/core/binding-text";
import { parallelLayers, topologicalOrder } from "@/lib/core/graph";
import type { Plan } from "@/lib/core/plan";
import type { ActionSpec } from "@/lib/core/action";
import type { ValidationIssue } from "@/lib/core/issues";

/** A read-only view of a plan: steps in columns by the layer they can run in. */
export function PlanLayers({ plan, catalog, issues }: { plan: Plan; catalog: ActionSpec[]; issues: ValidationIssue[] }) {
  const specs = new Map(catalog.map((a) => [a.id, a]));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const layers = parallelLayers(plan.steps);
  const { cyclic } = topologicalOrder(plan.steps);
  if (cyclic.length) layers.push(cyclic);
  const withErrors = new Set(issues.filter((i) => i.severity === "error" && i.stepId).map((i) => i.stepId));
  return (
    <div className="layers" data-testid="plan-layers">
      {layers.map((layer, i) => (
        <div className="layer" key={i}>
          <div className="layer-title">{i === layers.length - 1 && cyclic.length ? "In a cycle" : `Stage ${i + 1}`}</div>
          {layer.map((id) => {
            const step = byId.get(id)!;
            const spec = specs.get(step.action);
            return (
              <div key={id} className={`step-card${withErrors.has(id) ? " has-error" : ""}`} data-testid="step-card">
                <div className="row" style={{ justifyContent: "space-between" }}>
                  <span className="step-id">{id}</span>
                  {spec ? <span className={`badge ${spec.effect === "write" ? "warning" : spec.effect === "read" ? "info" : ""}`}>{spec.effect}</span> : <span className="badge danger">unknown</span>}
                </div>
                <div className="step-title">{step.label ?? spec?.title ?? step.action}</div>
                <div className="subtle mono">{step.action}</div>
                {Object.keys(step.inputs).length ? (
                  <ul className="bindings">
                    {Object.entries(step.inputs).map(([name, b]) => (
                      <li key={name}>
                        <span className="name">{name}</span>
                        <span className="src" title={bindingLabel(b)}>{bindingLabel(b)}</span>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
