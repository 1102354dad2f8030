/** What a template needs from the catalog, for cards and lists: its actions, LLM use, approvals, writes. */
import type { CatalogView } from "../core";
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
