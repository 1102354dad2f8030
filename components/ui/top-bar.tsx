"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOutAction } from "@/app/account-actions";
import { useMe } from "./access";

const LINKS = [
  { href: "/", label: "Plans", match: (p: string) => p === "/" || p.startsWith("/plans") },
  { href: "/runs", label: "Runs", match: (p: string) => p.startsWith("/runs") },
  { href: "/templates", label: "Templates", match: (p: string) => p.startsWith("/templates") },
  { href: "/catalog", label: "Catalog", match: (p: string) => p.startsWith("/catalog") },
  { href: "/connections", label: "Connections", match: (p: string) => p.startsWith("/connections") },
];

export function TopBar() {
  const pathname = usePathname() ?? "/";
  const me = useMe();
  const person = me?.actor.kind === "person" ? me.actor : undefined;
  return (
    <header className="topbar">
      <Link href="/" className="brand" aria-label="Trellis home">
        <img src="/trellis.svg" width={26} height={26} alt="" />
        Trellis
      </Link>
      {/* Signed out (the sign-in pages), there is nowhere else to go. */}
      {me ? (
        <nav className="nav" aria-label="Main">
          {LINKS.map((l) => (
            <Link key={l.href} href={l.href} aria-current={l.match(pathname) ? "page" : undefined}>
              {l.label}
            </Link>
          ))}
        </nav>
      ) : null}
      <div className="spacer" />
      {person ? (
        <div className="row" data-testid="signed-in">
          <Link href="/settings" className="subtle" title="Settings: API tokens and members" aria-current={pathname.startsWith("/settings") ? "page" : undefined}>
            <span data-testid="signed-in-as">{person.email}</span> · {person.role}
          </Link>
          <form action={signOutAction}>
            <button type="submit" className="button" data-testid="sign-out">Sign out</button>
          </form>
        </div>
      ) : me ? (
        <Link href="/settings" className="subtle" data-testid="settings-link">Settings</Link>
      ) : null}
    </header>
  );
}
