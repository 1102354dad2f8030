"use client";
/** The first-run owner setup and an invitation's page: a name, an e-mail (or the invited one) and a password. */
import { useActionState } from "react";
import type { FormState } from "@/app/account-actions";

export function PersonForm({ action, submit, email, hidden, askCode, testId }: {
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  submit: string;
  /** the invited address, fixed; absent: asked */
  email?: string;
  hidden?: Record<string, string>;
  /** the setup code from the server's log */
  askCode?: boolean;
  testId: string;
}) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  return (
    <form action={formAction} className="card card-body stack" data-testid={testId} style={{ maxWidth: 460 }}>
      {Object.entries(hidden ?? {}).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      {askCode ? (
        <div className="field">
          <label htmlFor="code">Setup code</label>
          <input id="code" name="code" required autoComplete="off" placeholder="XXXX-XXXX-XXXX" />
          <span className="subtle">Printed in the server&apos;s log when Trellis starts without an owner.</span>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="name">Your name</label>
        <input id="name" name="name" required autoComplete="name" defaultValue={state.name ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="email">E-mail</label>
        {email ? <input id="email" value={email} readOnly /> : <input id="email" name="email" type="email" required autoComplete="username" defaultValue={state.email ?? ""} />}
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" required minLength={10} autoComplete="new-password" />
        <span className="subtle">At least 10 characters.</span>
      </div>
      <div className="field">
        <label htmlFor="confirm">Password again</label>
        <input id="confirm" name="confirm" type="password" required minLength={10} autoComplete="new-password" />
      </div>
      {state.error ? <div className="error-box" role="alert" data-testid="form-error">{state.error}</div> : null}
      <div className="row">
        <button className="button primary" type="submit" disabled={pending}>{pending ? "One moment…" : submit}</button>
      </div>
    </form>
  );
}
