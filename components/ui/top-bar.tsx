"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Plans", match: (p: string) => p === "/" || p.startsWith("/plans") },
  { href: "/runs", label: "Runs", match: (p: string) => p.startsWith("/runs") },
  { href: "/templates", label: "Templates", match: (p: string) => p.startsWith("/templates") },
  { href: "/catalog", label: "Catalog", match: (p: string) => p.startsWith("/catalog") },
];

export function TopBar() {
  const pathname = usePathname() ?? "/";
  return (
    <header className="topbar">
      <Link href="/" className="brand" aria-label="Trellis home">
        <img src="/trellis.svg" width={26} height={26} alt="" />
        Trellis
      </Link>
      <nav className="nav" aria-label="Main">
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} aria-current={l.match(pathname) ? "page" : undefined}>
            {l.label}
          </Link>
        ))}
      </nav>
      <div className="spacer" />
    </header>
  );
}
