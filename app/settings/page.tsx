import Link from "next/link";
import { pageActor } from "@/lib/server/auth/page-access";
import { scopesFor } from "@/lib/contract/access";
import { listMembers, listTokens } from "@/lib/server/accounts";
import { TokenManager } from "@/components/accounts/token-manager";
import { MemberManager } from "@/components/accounts/member-manager";
import { PasswordForm } from "@/components/accounts/password-form";

export const metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const actor = await pageActor("/settings");
  if (actor.kind === "local") {
    return (
      <div className="stack">
        <div className="page-header"><div><h1>Settings</h1></div></div>
        <section className="card card-body stack" data-testid="accounts-off">
          <h2>Accounts are off</h2>
          <p className="muted">
            Trellis listens on this machine only and you use it without signing in. To share it with a team, or to use API tokens,
            set up an owner: from then on everyone signs in, and the owner invites people with a role.
          </p>
          <div className="row"><Link className="button primary" href="/setup" data-testid="start-setup">Set up the owner</Link></div>
        </section>
      </div>
    );
  }
  const [{ tokens }, members] = await Promise.all([listTokens(actor), actor.permissions.includes("admin") ? listMembers() : undefined]);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="muted" style={{ marginTop: 6 }} data-testid="settings-who">Signed in as {actor.name} ({actor.email}), {actor.role}.</p>
        </div>
      </div>
      <TokenManager tokens={tokens} scopes={scopesFor(actor.role)} />
      {actor.tokenId ? null : <PasswordForm />}
      {members ? <MemberManager {...members} selfId={actor.userId} /> : null}
    </div>
  );
}
