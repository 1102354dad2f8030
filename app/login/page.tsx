import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { SignInForm } from "@/components/accounts/sign-in-form";
import { getTrellis } from "@/lib/server/trellis";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = typeof sp.next === "string" ? sp.next : "/";
  const { accounts } = await getTrellis();
  if (!(await accounts.hasOwner()) && (await accounts.enabled())) redirect("/setup");
  // Already in (or accounts off): nothing to sign in to.
  if (await accounts.actorFor(new Headers(await headers()))) redirect("/");
  return (
    <div className="stack" style={{ alignItems: "center" }}>
      <div className="page-header" style={{ width: "100%", maxWidth: 420 }}>
        <div>
          <h1>Sign in to Trellis</h1>
          <p className="muted" style={{ marginTop: 6 }}>No account yet? Ask the owner of this Trellis for an invitation.</p>
        </div>
      </div>
      <SignInForm next={next} />
    </div>
  );
}
