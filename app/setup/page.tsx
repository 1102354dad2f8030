import Link from "next/link";
import { PersonForm } from "@/components/accounts/person-form";
import { setupOwnerAction } from "@/app/account-actions";
import { getTrellis } from "@/lib/server/trellis";

export const metadata = { title: "Set up the owner" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  const { accounts } = await getTrellis();
  if (await accounts.hasOwner()) {
    return (
      <div className="stack">
        <h1>Trellis has an owner</h1>
        <p className="muted" data-testid="setup-done">The first-run setup is done. <Link href="/login">Sign in</Link>, or ask the owner for an invitation.</p>
      </div>
    );
  }
  return (
    <div className="stack" style={{ alignItems: "center" }}>
      <div className="page-header" style={{ width: "100%", maxWidth: 460 }}>
        <div>
          <h1>Set up the owner</h1>
          <p className="muted" style={{ marginTop: 6 }}>
            The owner signs in, invites people with a role (editor, approver, viewer) and manages API tokens. Once there is an owner,
            everyone signs in{accounts.setupNeedsCode ? "" : ", on this machine too"}.
          </p>
        </div>
      </div>
      <PersonForm action={setupOwnerAction} submit="Create the owner and sign in" askCode={accounts.setupNeedsCode} testId="setup-form" />
    </div>
  );
}
