/**
 * The secret that signs sessions and derives the first-run setup code: TRELLIS_SECRET_KEY (or
 * BETTER_AUTH_SECRET); absent, one is made once and kept in the data folder (readable by its owner only).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TrellisConfig } from "../env";

export function secretKey(cfg: Pick<TrellisConfig, "secretKey" | "dataDir">): string {
  if (cfg.secretKey) return cfg.secretKey;
  const file = path.join(cfg.dataDir, "secret-key");
  try {
    const kept = readFileSync(file, "utf8").trim();
    if (kept.length >= 32) return kept;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(cfg.dataDir, { recursive: true });
  const made = randomBytes(32).toString("hex");
  try {
    // wx: when two processes start at once, the second reads the first one's key.
    writeFileSync(file, `${made}\n`, { mode: 0o600, flag: "wx" });
    return made;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw err;
  }
}
