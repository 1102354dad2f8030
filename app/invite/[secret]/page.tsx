import Link from "next/link";
import { PersonForm } from "@/components/accounts/person-form";
import { acceptInvitationAction } from "@/app/account-actions";
import { ROLE_TEXT } from "@/lib/contract/access";
import { getTrellis } from "@/lib/server/trellis";

export const metadata = { title: "Join Trellis" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ secret: string }> }) {
  const { secret } = await params;
  const { accounts } = await getTrellis();
  const invitation = await accounts.openInvitation(secret);
  if (!invitation) {
    return (
      <div className="stack">
        <h1>This invitation cannot be used</h1>
        <p className="muted" data-testid="invitation-invalid">It was used, revoked or has expired. Ask the owner for a new one, or <Link href="/login">sign in</Link>.</p>
      </div>
    );
  }
  return (
    <div className="stack" style={{ alignItems: "center" }}>
      <div className="page-header" style={{ width: "100%", maxWidth: 460 }}>
        <div>
          <h1>Join Trellis</h1>
          <p className="muted" style={{ marginTop: 6 }} data-testid="invitation-role">You are invited as {ROLE_TEXT[invitation.role].toLowerCase()}.</p>
        </div>
      </div>
      <PersonForm action={acceptInvitationAction} submit="Join and sign in" email={invitation.email} hidden={{ secret }} testId="invite-form" />
    </div>
  );
}
