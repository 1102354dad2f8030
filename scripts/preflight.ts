/**
 * Runs before the server starts: parses the configuration (a bad value stops here with
 * a message naming it) and applies pending migrations to the configured database.
 */
import { ConfigError, config } from "../lib/server/env";
import { openDatabase } from "../lib/store/database";
import path from "node:path";

try {
  const cfg = config();
  const db = await openDatabase({ url: cfg.databaseUrl, dir: cfg.databaseUrl ? undefined : path.join(cfg.dataDir, "pglite") });
  const applied = db.appliedMigrations;
  console.log(`Trellis: database ${db.kind} at ${db.location}; ${applied.length ? `applied ${applied.join(", ")}` : "schema up to date"}.`);
  console.log(`Trellis: planner ${cfg.llm.configured ? `LLM (${cfg.llm.model} via ${cfg.llm.provider})` : "offline (no OPENAI_API_KEY set)"}.`);
  await db.close();
} catch (err) {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`Trellis cannot start: ${(err as Error).message}`);
  process.exit(1);
}
