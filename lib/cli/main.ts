/**
 * `trellis`: the command line. bin/trellis.mjs runs this file through tsx (no build step)
 * from the repository folder, passing the folder the person started in. One place exits:
 * every failure arrives here as a CliError with its exit code (exit-codes.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { nearestNames } from "../core";
import { splitCommand } from "./args";
import type { TrellisClient } from "./client";
import type { Command } from "./command";
import { actionsCommand } from "./commands/actions";
import { adminCommand } from "./commands/admin";
import { approveCommand, cancelCommand, rejectCommand, retryCommand } from "./commands/decide";
import { helpText } from "./commands/help";
import { loginCommand, logoutCommand } from "./commands/login";
import { memoryCommand } from "./commands/memory";
import { planCommand } from "./commands/plan";
import { runCommand } from "./commands/run";
import { runsCommand } from "./commands/runs";
import { templatesCommand } from "./commands/templates";
import { validateCommand } from "./commands/validate";
import { watchCommand } from "./commands/watch";
import { workerCommand } from "./commands/worker";
import { Interrupts, type Context } from "./context";
import { CliError, ExitCode } from "./exit-codes";
import { Output, flush } from "./output";
import { Prompter } from "./prompt";

export const COMMANDS: Command[] = [planCommand, runCommand, validateCommand, actionsCommand, runsCommand, watchCommand, approveCommand, rejectCommand, cancelCommand, retryCommand, templatesCommand, memoryCommand, loginCommand, logoutCommand, adminCommand, workerCommand];

/** Global options, read before the command parses its own (it accepts them too). */
function peekGlobals(argv: string[]): { json: boolean; color: boolean; server?: string; help: boolean; version: boolean; verbose: boolean } {
  const before = argv.indexOf("--") < 0 ? argv : argv.slice(0, argv.indexOf("--"));
  const i = before.indexOf("--server");
  const eq = before.find((a) => a.startsWith("--server="));
  return {
    json: before.includes("--json"),
    color: !before.includes("--no-color"),
    server: i >= 0 ? before[i + 1] : eq ? eq.slice("--server=".length) : undefined,
    help: before.includes("--help") || before.includes("-h"),
    version: before.includes("--version"),
    verbose: before.includes("--verbose") || before.includes("-v"),
  };
}

export async function main(argv: string[], options: { cwd: string }): Promise<number> {
  // Library code logs with console.log; stdout belongs to the command's output.
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  // A relative data folder means the folder the person is in, not the repository.
  if (process.env.TRELLIS_DATA_DIR && !path.isAbsolute(process.env.TRELLIS_DATA_DIR)) process.env.TRELLIS_DATA_DIR = path.resolve(options.cwd, process.env.TRELLIS_DATA_DIR);

  const { command: name, rest } = splitCommand(argv);
  const g = peekGlobals(rest);
  const out = new Output(g.json, g.color);
  let client: TrellisClient | undefined;
  let prompter: Prompter | undefined;
  const interrupts = new Interrupts(() => {
    void flush().finally(() => process.exit(ExitCode.interrupted));
  });
  try {
    if (!name) {
      if (g.version) out.progress(version());
      else out.progress(helpText(COMMANDS));
      return rest.length && !g.help && !g.version ? ExitCode.usage : ExitCode.ok;
    }
    const command = COMMANDS.find((c) => c.name === name) ?? (name === "help" ? undefined : null);
    if (command === undefined) {
      const topic = COMMANDS.find((c) => c.name === rest[0]);
      out.progress(topic ? commandHelp(topic) : helpText(COMMANDS));
      return ExitCode.ok;
    }
    if (command === null) {
      const near = nearestNames(name, COMMANDS.map((c) => c.name), 2);
      throw new CliError(ExitCode.usage, `There is no command "${name}".${near.length ? ` Did you mean ${near.map((n) => `"${n.value}"`).join(" or ")}?` : ""} See trellis --help.`);
    }
    if (g.help) {
      out.progress(commandHelp(command));
      return ExitCode.ok;
    }
    interrupts.install();
    const server = g.server ?? (process.env.TRELLIS_SERVER_URL?.trim() || undefined);
    // Loaded only for a command that runs, so help stays quick.
    const makeClient = server ? await remoteClient(server) : await localClient((text) => out.warn(text));
    const ctx: Context = {
      out,
      verbose: g.verbose,
      cwd: options.cwd,
      interrupts,
      client: () => {
        client ??= makeClient();
        return client;
      },
      prompter: () => (prompter ??= new Prompter((text) => out.ask(text))),
    };
    return await command.run(ctx, rest);
  } catch (err) {
    return reportError(out, err, g.verbose);
  } finally {
    prompter?.close();
    await client?.close().catch(() => undefined);
    await flush();
  }
}

async function remoteClient(server: string): Promise<() => TrellisClient> {
  const { RemoteClient } = await import("./remote-client");
  const { tokenFor } = await import("./credentials");
  let token: string | undefined;
  try {
    token = tokenFor(server);
  } catch {
    token = undefined; // not a URL: RemoteClient says so
  }
  return () => new RemoteClient(server, token);
}

async function localClient(warn: (text: string) => void): Promise<() => TrellisClient> {
  const { LocalClient } = await import("./local-client");
  return () => new LocalClient(warn);
}

function reportError(out: Output, err: unknown, verbose: boolean): number {
  const { c } = out;
  if (err instanceof CliError) {
    out.warn(`${c.red("Error:")} ${err.message}`);
    out.result({ error: { message: err.message, exitCode: err.code, ...(err.details !== undefined ? { details: err.details } : {}) } });
    return err.code;
  }
  const e = err as Error;
  if (e?.name === "ConfigError") {
    out.warn(`${c.red("Error:")} ${e.message}`);
    out.result({ error: { message: e.message, exitCode: ExitCode.usage } });
    return ExitCode.usage;
  }
  out.warn(`${c.red("Unexpected error:")} ${e?.message ?? String(err)}`);
  if (verbose && e?.stack) out.warn(c.dim(e.stack));
  else out.warn(c.dim("(--verbose shows where)"));
  out.result({ error: { message: e?.message ?? String(err), exitCode: ExitCode.failed } });
  return ExitCode.failed;
}

function commandHelp(c: Command): string {
  return [`${c.summary}.`, "", "Usage:", ...c.usage.map((u) => `  trellis ${u}`), ...(c.details.length ? ["", ...c.details.map((d) => `  ${d}`)] : []), "", "Global options: --server URL, --json, --no-color, --verbose (see trellis --help)."].join("\n");
}

function version(): string {
  try {
    return `trellis ${(JSON.parse(readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version?: string }).version ?? "?"}`;
  } catch {
    return "trellis";
  }
}
