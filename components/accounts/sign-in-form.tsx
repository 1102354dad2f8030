"use client";
import { useActionState } from "react";
import { signInAction, type FormState } from "@/app/account-actions";

export function SignInForm({ next }: { next: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(signInAction, {});
  return (
    <form action={formAction} className="card card-body stack" data-testid="sign-in-form" style={{ maxWidth: 420 }}>
      <input type="hidden" name="next" value={next} />
      <div className="field">
        <label htmlFor="email">E-mail</label>
        <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      {state.error ? <div className="error-box" role="alert" data-testid="sign-in-error">{state.error}</div> : null}
      <div className="row">
        <button className="button primary" type="submit" disabled={pending}>{pending ? "Signing in…" : "Sign in"}</button>
      </div>
    </form>
  );
}
