/**
 * What `trellis` exits with, for scripts. Documented in lib/cli/README.md and `trellis --help`.
 * A failure is a CliError carrying its code; main.ts is the one place that exits.
 */
export const ExitCode = {
  ok: 0,
  /** the run failed, or the server answered with an error that is not the caller's */
  failed: 1,
  /** bad arguments, unknown command, a missing or invalid input or parameter, an id that does not exist */
  usage: 2,
  /** the plan does not validate (or the file is not a plan) */
  invalidPlan: 3,
  /** the run was cancelled: quit or N at an approval, or Ctrl-C in local mode */
  cancelled: 4,
  /** the server cannot be reached, or the database cannot be opened (held by the app: use --server) */
  unreachable: 5,
  /** the run waits for a person's approval and this command is not interactive */
  awaitingApproval: 6,
  /** the run succeeded, but a person rejected one of its steps (and what depended on it was skipped) */
  withRejections: 7,
  /** the run succeeded, but went on without a step's own output (skipped after one upstream had none, or a fallback used) */
  partial: 8,
  /** a per-account limit is reached (429: planning requests per hour, or runs not yet ended); the message says when it frees */
  limitReached: 9,
  /** interrupted: a second Ctrl-C, or Ctrl-C while following a run on a server (it goes on there) */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(readonly code: ExitCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(ExitCode.usage, message);
