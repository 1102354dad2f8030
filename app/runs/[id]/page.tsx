import { pageActor } from "@/lib/server/auth/page-access";
import { notFound } from "next/navigation";
import { RequestError } from "@/lib/server/errors";
import { runPageData } from "@/lib/server/runs";
import { RunViewPage } from "@/components/runs/run-view";

export const dynamic = "force-dynamic";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await pageActor(`/runs/${id}`);
  try {
    return <RunViewPage data={await runPageData(id)} />;
  } catch (err) {
    if (RequestError.isInstance(err) && err.status === 404) notFound();
    throw err;
  }
}
