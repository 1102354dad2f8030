import { pageActor } from "@/lib/server/auth/page-access";
import Link from "next/link";
import { ImportPlanForm } from "@/components/plans/import-plan-form";

export const metadata = { title: "Import a plan" };

export default async function NewPlanPage() {
  await pageActor("/plans/new", "edit");
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <div className="eyebrow"><Link href="/">Plans</Link></div>
          <h1>Import a plan</h1>
          <p className="muted" style={{ marginTop: 6 }}>
            Paste a plan&apos;s JSON or choose a file. Trellis checks it against the catalog; a plan with errors is kept as a draft
            so you can fix it, and nothing is saved when the JSON itself is malformed.
          </p>
        </div>
      </div>
      <ImportPlanForm />
    </div>
  );
}
