"use client";
/** The owner's part of the settings page: members with their roles (change, remove), pending invitations (revoke), and inviting someone. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { inviteMemberAction, removeMemberAction, revokeInvitationAction, updateMemberAction } from "@/app/account-actions";
import { ROLE_TEXT, Role } from "@/lib/contract/access";
import type { z } from "zod";
import type { MemberList } from "@/lib/contract/accounts";

export function MemberManager({ members, invitations, selfId }: z.infer<typeof MemberList> & { selfId: string }) {
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
  /** A change to the list: the server's refusal (the last owner) is shown, else the page reloads its list. */
  const change = (run: () => Promise<{ ok: true } | { ok: false; error: string }>) =>
    start(async () => {
      const r = await run();
      if (!r.ok) return setError(r.error);
      setError(undefined);
      router.refresh();
    });
  const owners = members.filter((m) => m.role === "owner").length;
  return (
    <section className="card" data-testid="members">
      <div className="card-header"><h2>Members</h2></div>
      <div className="card-body stack">
        <table className="table" data-testid="member-list">
          <thead><tr><th>Name</th><th>E-mail</th><th>Role</th><th></th></tr></thead>
          <tbody>
            {members.map((m) => {
              const lastOwner = m.role === "owner" && owners <= 1;
              return (
                <tr key={m.id} data-testid="member-row" data-email={m.email}>
                  <td>{m.name}{m.id === selfId ? <span className="subtle"> (you)</span> : null}</td>
                  <td>{m.email}</td>
                  <td>
                    <select aria-label={`Role of ${m.email}`} value={m.role} disabled={pending || lastOwner} title={lastOwner ? "The only owner keeps the owner role" : undefined} onChange={(e) => { const role = e.target.value; change(() => updateMemberAction(m.id, role)); }} data-testid="member-role" style={{ width: "auto" }}>
                      {Role.options.map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  </td>
                  <td>
                    {lastOwner ? null : (
                      <button className="button ghost" type="button" disabled={pending} data-testid="member-remove" onClick={() => { if (window.confirm(`Remove ${m.email}? Their sessions and API tokens stop working; what they did stays recorded.`)) change(() => removeMemberAction(m.id)); }}>Remove</button>
                    )}
                  </td>
                </tr>
              );
            })}
            {invitations.map((i) => (
              <tr key={i.id} data-testid="invitation-row" data-email={i.email}>
                <td className="subtle">invited by {i.invitedBy}</td><td>{i.email}</td><td>{i.role} <span className="subtle">(until {i.expiresAt.slice(0, 10)})</span></td>
                <td><button className="button ghost" type="button" disabled={pending} data-testid="invitation-revoke" onClick={() => change(() => revokeInvitationAction(i.id))}>Revoke</button></td>
              </tr>
            ))}
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
