/**
 * Published plans: a plan marked published is a tool of its own at /api/mcp, named from its
 * slug (the same as its action, `plan.<slug>`), its inputs the tool's input schema and its
 * outputs the tool's output schema.
 */
import type { PlanPublished } from "../contract/plans";
import { planInputSchema, planOutputSchema } from "../catalogs/plans/plan-action";
import type { JsonSchema, Plan } from "../core";
import { getPlan } from "../store/plans";
import { RequestError, notFound } from "./errors";
import { getTrellis } from "./trellis";

/** Publishes a plan (or with `published: false` takes it back). Only a plan that is an action (it declares inputs and outputs) can be published. */
export async function publishPlanById(planId: string, published: boolean): Promise<PlanPublished> {
  const t = await getTrellis();
  const plan = await getPlan(t.database.prisma, planId);
  if (!plan) throw notFound(`There is no plan ${planId}.`);
  let slug = t.plans.slugOf(planId);
  if (!slug) {
    await t.plans.refresh();
    slug = t.plans.slugOf(planId);
  }
  if (published && !slug) throw new RequestError(422, "not_publishable", "Only a plan that declares inputs and outputs can be published: add a plan input and a named output, save, then publish.");
  await t.database.prisma.plan.update({ where: { id: planId }, data: { published } });
  return { id: planId, published, slug: slug ?? null, tool: published && slug ? slug : null };
}

export interface PublishedPlan {
  planId: string;
  slug: string;
  title: string;
  goal: string;
  plan: Plan;
  input: JsonSchema;
  output: JsonSchema;
}

/** The published plans that are not archived, with their latest version's schemas. */
export async function publishedPlans(): Promise<PublishedPlan[]> {
  const t = await getTrellis();
  const rows = await t.database.prisma.plan.findMany({ where: { published: true, archivedAt: null, slug: { not: null } }, select: { id: true } });
  const out: PublishedPlan[] = [];
  for (const row of rows) {
    const plan = await getPlan(t.database.prisma, row.id);
    const slug = t.plans.slugOf(row.id);
    if (!plan || !slug) continue;
    out.push({ planId: plan.id, slug, title: plan.title, goal: plan.latest.plan.goal, plan: plan.latest.plan, input: planInputSchema(plan.latest.plan), output: planOutputSchema(plan.latest.plan, t.catalog) });
  }
  return out;
}
