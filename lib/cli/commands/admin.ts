/**
 * `trellis admin create-owner`: the first owner of a headless deploy, made on this machine's data
 * folder (TRELLIS_DATA_DIR, or DATABASE_URL) without opening the setup page. Whoever can open
 * the data folder is trusted, so no setup code is asked. The password comes from stdin (never
 * from the command line, where other users and the shell history would see it).
 */
import { text } from "node:stream/consumers";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { CliError, ExitCode, usageError } from "../exit-codes";
import { config } from "../../server/env";
import { TrellisError } from "../../core/errors";

const USAGE = "admin create-owner --email E --name N --password-stdin";

export const adminCommand: Command = {
  name: "admin",
  summary: "Administer this machine's Trellis data folder (create the first owner)",
  usage: [USAGE],
  details: [
    "create-owner  make the first owner, which turns accounts on: from then on everyone signs in",
    "--email E     the owner's e-mail address (they sign in with it)",
    "--name N      the owner's name",
    "--password-stdin  read the password from stdin (its first line; at least 10 characters), e.g.",
    "              printf '%s\\n' \"$OWNER_PASSWORD\" | npx trellis admin create-owner --email E --name N --password-stdin",
    "Works on the data folder (TRELLIS_DATA_DIR, or DATABASE_URL) while the app is stopped, not through --server.",
    "Exit 0 made, 1 there is already an owner, 2 bad arguments (or a password that is too short), 5 the app holds the data folder.",
  ],
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { email: { type: "string" }, name: { type: "string" }, "password-stdin": { type: "boolean" } });
    if (positionals[0] !== "create-owner" || positionals.length > 1) throw usageError(`Usage: trellis ${USAGE}`);
    if (values.server || process.env.TRELLIS_SERVER_URL?.trim()) {
      throw usageError("admin create-owner works on this machine's data folder, not through --server (or TRELLIS_SERVER_URL): on a server, open its /setup page.");
    }
    if (!values.email || !values.name) throw usageError(`Give the owner's --email and --name. Usage: trellis ${USAGE}`);
    if (!values["password-stdin"] && process.stdin.isTTY) {
      throw usageError("Give the password on stdin with --password-stdin (not as an argument), e.g. printf '%s\\n' \"$OWNER_PASSWORD\" | trellis admin create-owner --email … --name … --password-stdin");
    }
    const password = (await text(process.stdin)).split(/\r?\n/)[0] ?? "";
    if (!password) throw usageError("No password arrived on stdin.");

    const { openTrellisHere } = await import("../local-client");
    const { closeTrellis } = await import("../../server/trellis");
    const cfg = config();
    const where = cfg.databaseUrl ? "the PostgreSQL database in DATABASE_URL" : `the database in ${cfg.dataDir}`;
    const trellis = await openTrellisHere(where);
    try {
      await trellis.accounts.createOwner({ name: values.name, email: values.email, password }, { trusted: true });
    } catch (err) {
      if (TrellisError.isInstance(err)) {
        const e = err as TrellisError;
        throw new CliError(e.status === 409 ? ExitCode.failed : ExitCode.usage, e.message);
      }
      throw err;
    } finally {
      await closeTrellis();
    }
    const email = values.email.trim().toLowerCase();
    ctx.out.line(`Made ${email} the owner of ${where}. Accounts are on: everyone signs in, and the owner invites people from Settings.`);
    ctx.out.result({ owner: { email, name: values.name.trim() }, accounts: true });
    return ExitCode.ok;
  },
};
