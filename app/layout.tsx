import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TopBar } from "@/components/ui/top-bar";
import { QueryProvider } from "@/components/ui/query-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Trellis", template: "%s · Trellis" },
  description: "Plan work as a typed graph of steps, check it before it runs, and watch it run.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <QueryProvider>
          <TopBar />
          <main className="main">{children}</main>
        </QueryProvider>
      </body>
    </html>
  );
}
