/**
 * API tokens the CLI keeps per server (`trellis login --server URL`), in
 * $TRELLIS_CONFIG_DIR or ~/.config/trellis/credentials.json, readable by its owner only.
 * TRELLIS_TOKEN, when set, is used instead of any kept token.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const Credentials = z.object({ servers: z.record(z.string(), z.object({ token: z.string(), email: z.string().optional() })) });
type Credentials = z.infer<typeof Credentials>;

export function credentialsFile(): string {
  const dir = process.env.TRELLIS_CONFIG_DIR?.trim() || path.join(process.env.XDG_CONFIG_HOME?.trim() || path.join(os.homedir(), ".config"), "trellis");
  return path.join(dir, "credentials.json");
}

/** The server's origin, the key a token is kept under. */
export const serverKey = (server: string) => new URL(server).origin;

function read(): Credentials {
  try {
    const parsed = Credentials.safeParse(JSON.parse(readFileSync(credentialsFile(), "utf8")));
    return parsed.success ? parsed.data : { servers: {} };
  } catch {
    return { servers: {} };
  }
}

function write(c: Credentials): void {
  const file = credentialsFile();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The token for a server: TRELLIS_TOKEN, else the one `trellis login` kept for it. */
export function tokenFor(server: string): string | undefined {
  const env = process.env.TRELLIS_TOKEN?.trim();
  if (env) return env;
  return read().servers[serverKey(server)]?.token;
}

export function keepToken(server: string, token: string, email?: string): void {
  const c = read();
  c.servers[serverKey(server)] = { token, ...(email ? { email } : {}) };
  write(c);
}

export function forgetToken(server: string): boolean {
  const c = read();
  const key = serverKey(server);
  if (!c.servers[key]) return false;
  delete c.servers[key];
  write(c);
  return true;
}
