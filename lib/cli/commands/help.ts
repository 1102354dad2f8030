/** `trellis --help`: commands, global options, exit codes. */
import type { Command } from "../command";

export function helpText(commands: readonly Command[]): string {
  return [
    "trellis: plan a goal into a typed plan of steps, check it, and run it with live progress.",
    "",
    "Commands:",
    ...commands.flatMap((c) => [...c.usage.map((u) => `  trellis ${u}`), `      ${c.summary}`]),
    "",
    "Global options:",
    "  --server URL   work through a running Trellis (or set TRELLIS_SERVER_URL); without it the CLI opens",
    "                 the app's database itself (TRELLIS_DATA_DIR / DATABASE_URL) and runs plans in-process",
    "  --json         print one JSON document on stdout (progress and questions go to stderr)",
    "  --no-color     no colours (NO_COLOR works too)",
    "  --verbose, -v  every step log line and progress, and stack traces",
    "  --help, -h     help for a command: trellis <command> --help",
    "",
    "Exit codes:",
    "  0  ok                        4  cancelled (quit, N at an approval, Ctrl-C)",
    "  1  the run failed            5  cannot reach the server or open the database",
    "  2  usage: bad arguments,     6  the run waits for approval (not interactive)",
    "     inputs, parameters or ids 7  the run succeeded, but a person rejected a step",
    "  3  the plan is not valid     8  the run succeeded in part (a step had no output; it went on)",
    "                               9  a limit is reached (planning per hour, runs at once)",
    "                               130 interrupted (Ctrl-C twice, or stopped following a server's run)",
  ].join("\n");
}
