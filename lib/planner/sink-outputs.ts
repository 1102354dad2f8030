/** The default plan outputs: one per step whose output no other step reads or waits for. */
import { dependenciesOf, type Binding, type Step } from "../core/plan";

export function sinkOutputs(steps: readonly Step[]): Record<string, Binding> {
  const used = new Set<string>();
  for (const s of steps) for (const d of dependenciesOf(s)) if (d !== s.id) used.add(d);
  const out: Record<string, Binding> = {};
  for (const s of steps) if (!used.has(s.id)) out[s.id] = { kind: "step", step: s.id };
  return out;
}
