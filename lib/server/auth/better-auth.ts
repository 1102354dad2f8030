/**
 * better-auth on Trellis's database: e-mail and password, sessions in cookies (HttpOnly,
 * SameSite=Lax, Secure when TRELLIS_PUBLIC_URL is https). There is no sign-up endpoint: people
 * join through the first-run owner setup or an owner's invitation (./accounts), which create
 * them through better-auth's own adapter and password hashing. Its HTTP handler is not mounted;
 * pages sign in and out through server actions, and the API takes API tokens.
 */
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import type { Db } from "../../store/database";

export const MIN_PASSWORD_LENGTH = 10;

export function createAuth(prisma: Db, options: { secret: string; publicUrl?: string }) {
  return betterAuth({
    appName: "Trellis",
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    secret: options.secret,
    // Without a public URL, better-auth takes the origin from each request (the Host check in
    // ./request-guard has vetted it).
    ...(options.publicUrl ? { baseURL: options.publicUrl } : {}),
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: 256 },
    user: { additionalFields: { role: { type: "string", required: false, defaultValue: "viewer", input: false } } },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    advanced: {
      cookiePrefix: "trellis",
      useSecureCookies: Boolean(options.publicUrl?.startsWith("https:")),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/" },
    },
    telemetry: { enabled: false },
    // Its notes (no base URL: taken from each request, which the Host check has vetted) are not the operator's concern.
    logger: { level: "error" },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
