import { pageActor } from "@/lib/server/auth/page-access";
import { notFound } from "next/navigation";
import { cache } from "react";
import { RequestError } from "@/lib/server/errors";
import { parsePlanId } from "@/lib/server/plans";
import { editorBootstrap } from "@/lib/server/plan-editing";
import { PlanEditor } from "@/components/editor/plan-editor";
import { initialLayout } from "@/components/editor/layout";

export const dynamic = "force-dynamic";

// Metadata and page read the same plan once per request.
const load = cache((id: string) => editorBootstrap(parsePlanId(id)));

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await pageActor(`/plans/${id}`);
  try {
    return { title: (await load(id)).detail.plan.title };
  } catch {
    return { title: "Plan" };
  }
}

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await pageActor(`/plans/${id}`);
  let boot;
  try {
    boot = await load(id);
  } catch (err) {
    if (RequestError.isInstance(err) && (err.status === 404 || err.status === 400)) notFound();
    throw err;
  }
  const positions = await initialLayout(boot.detail.latest.plan, boot.catalog, boot.detail.latest.hash);
  return <PlanEditor detail={boot.detail} catalog={boot.catalog} planner={boot.planner} positions={positions} />;
}
