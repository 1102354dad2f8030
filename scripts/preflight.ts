/**
 * Runs before the server starts: parses the configuration (a bad value stops here with
 * a message naming it) and applies pending migrations to the configured database.
 */
import { ConfigError, config } from "../lib/server/env";
import { serverLog } from "../lib/server/log";
import { openDatabase } from "../lib/store/database";
import path from "node:path";

try {
  const cfg = config();
  const log = serverLog();
  if (!cfg.loopback && cfg.accounts !== "required") {
    console.error(
      `Trellis cannot start: HOST=${cfg.host} lets other machines reach it, and accounts are not required.\n` +
        "  Set TRELLIS_ACCOUNTS=required (everyone signs in; the owner is set up with the code printed at start),\n" +
        "  or leave HOST unset to listen on 127.0.0.1 only. See README, \"Deploying for a team\".",
    );
    process.exit(1);
  }
  const db = await openDatabase({ url: cfg.databaseUrl, dir: cfg.databaseUrl ? undefined : path.join(cfg.dataDir, "pglite"), warn: log.warn });
  const applied = db.appliedMigrations;
  log.info(`database ${db.kind} at ${db.location}; ${applied.length ? `applied ${applied.join(", ")}` : "schema up to date"}.`);
  log.info(`planner ${cfg.llm.configured ? `LLM (${cfg.llm.model} via ${cfg.llm.provider}${cfg.llm.temperature !== undefined ? `, temperature ${cfg.llm.temperature}` : ""})` : "offline (no OPENAI_API_KEY set)"}.`);
  await db.close();
} catch (err) {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(`Trellis cannot start: ${(err as Error).message}`);
  process.exit(1);
}
