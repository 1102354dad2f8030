"use client";
/** The settings page's "change your password": the current one, the new one twice. Other sessions are signed out. */
import { useActionState } from "react";
import { changePasswordAction, type FormState } from "@/app/account-actions";

type State = FormState & { done?: boolean };

export function PasswordForm() {
  const [state, formAction, pending] = useActionState<State, FormData>(changePasswordAction, {});
  return (
    <section className="card" data-testid="password">
      <div className="card-header"><h2>Password</h2></div>
      <form action={formAction} className="card-body stack" data-testid="password-form" style={{ maxWidth: 460 }}>
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input id="current-password" name="current" type="password" required autoComplete="current-password" />
        </div>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input id="new-password" name="password" type="password" required minLength={10} autoComplete="new-password" />
          <span className="subtle">At least 10 characters. Your other sessions are signed out.</span>
        </div>
        <div className="field">
          <label htmlFor="confirm-password">New password again</label>
          <input id="confirm-password" name="confirm" type="password" required minLength={10} autoComplete="new-password" />
        </div>
        {state.error ? <div className="error-box" role="alert" data-testid="password-error">{state.error}</div> : null}
        {state.done ? <div className="notice" role="status" data-testid="password-changed">Your password is changed.</div> : null}
        <div className="row"><button className="button primary" type="submit" disabled={pending} data-testid="change-password">Change password</button></div>
      </form>
    </section>
  );
}
