import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TopBar } from "@/components/ui/top-bar";
import { QueryProvider } from "@/components/ui/query-provider";
import { AccessProvider } from "@/components/ui/access";
import { currentAccess } from "@/lib/server/auth/page-access";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Trellis", template: "%s · Trellis" },
  description: "Plan work as a typed graph of steps, check it before it runs, and watch it run.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const me = await currentAccess();
  return (
    <html lang="en">
      <body>
        <QueryProvider>
          <AccessProvider me={me}>
            <TopBar />
            <main className="main">{children}</main>
          </AccessProvider>
        </QueryProvider>
      </body>
    </html>
  );
}
