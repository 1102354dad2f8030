"use client";
/** The owner's part of the settings page: members with their roles, pending invitations, and inviting someone. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { inviteMemberAction } from "@/app/account-actions";
import { ROLE_TEXT, Role } from "@/lib/contract/access";
import type { z } from "zod";
import type { MemberList } from "@/lib/contract/accounts";

export function MemberManager({ members, invitations }: z.infer<typeof MemberList>) {
  const router = useRouter();
  const [link, setLink] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [pending, start] = useTransition();
  const invite = (form: FormData) =>
    start(async () => {
      const r = await inviteMemberAction({ email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "viewer") });
      if (!r.ok) return setError(r.error);
      setError(undefined);
      setLink(`${window.location.origin}${r.value.link}`);
      router.refresh();
    });
  return (
    <section className="card" data-testid="members">
      <div className="card-header"><h2>Members</h2></div>
      <div className="card-body stack">
        <table className="table" data-testid="member-list">
          <thead><tr><th>Name</th><th>E-mail</th><th>Role</th></tr></thead>
          <tbody>
            {members.map((m) => <tr key={m.id} data-testid="member-row"><td>{m.name}</td><td>{m.email}</td><td>{m.role}</td></tr>)}
            {invitations.map((i) => <tr key={i.id} data-testid="invitation-row"><td className="subtle">invited by {i.invitedBy}</td><td>{i.email}</td><td>{i.role} <span className="subtle">(until {i.expiresAt.slice(0, 10)})</span></td></tr>)}
          </tbody>
        </table>
        <form action={invite} className="row wrap" data-testid="invite-member-form">
          <div className="field" style={{ flex: 1, minWidth: 240 }}>
            <label htmlFor="invite-email">Invite by e-mail</label>
            <input id="invite-email" name="email" type="email" required placeholder="name@example.com" />
          </div>
          <div className="field">
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" name="role" defaultValue="editor">
              {Role.options.map((r) => <option key={r} value={r}>{ROLE_TEXT[r]}</option>)}
            </select>
          </div>
          <button className="button primary" type="submit" disabled={pending} data-testid="invite-member" style={{ alignSelf: "flex-end" }}>Invite</button>
        </form>
        {error ? <div className="error-box" role="alert" data-testid="invite-error">{error}</div> : null}
        {link ? (
          <div className="notice" role="status" data-testid="invite-made">
            Send this link to the person (it works once, for 7 days): <code data-testid="invite-link" style={{ userSelect: "all", wordBreak: "break-all" }}>{link}</code>
          </div>
        ) : null}
      </div>
    </section>
  );
}
