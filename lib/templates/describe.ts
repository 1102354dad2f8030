/** What a template needs from the catalog, for cards and lists: its actions, LLM use, approvals, writes. */
import type { CatalogView, Coverage, Plan } from "../core";
import type { Template, TemplateInfo } from "./template";

export function describeTemplate(t: Template, catalog: CatalogView): TemplateInfo {
  const actions = [...new Set(t.plan.steps.map((s) => s.action))];
  const specs = t.plan.steps.map((s) => ({ step: s, spec: catalog.get(s.action) }));
  return {
    ...t,
    actions,
    usesLlm: specs.some(({ spec }) => spec?.usesLlm === true),
    needsApproval: specs.some(({ step, spec }) => step.approval ?? spec?.approval ?? false),
    writes: specs.some(({ spec }) => spec?.effect === "write"),
  };
}

/**
 * The steps of a plan that call an LLM, as coverage parts (one per step, named by its label):
 * each marked `needs_llm` when no provider is configured, so a plan made from a template says
 * what it cannot do before anyone runs it (a run of it is refused then). Undefined when no step
 * calls an LLM.
 */
export function llmStepsCoverage(plan: Plan, catalog: CatalogView, llmConfigured: boolean): Coverage | undefined {
  const steps = plan.steps.filter((s) => catalog.get(s.action)?.usesLlm === true);
  if (!steps.length) return undefined;
  return {
    parts: steps.map((s) => ({
      text: s.label ?? catalog.get(s.action)?.title ?? s.action,
      steps: [s.id],
      ...(llmConfigured ? {} : { uncovered: { reason: "needs_llm" as const, message: `Step ${s.id} (${s.action}) needs an LLM, and none is configured.`, actions: [s.action] } }),
    })),
  };
}
