/**
 * An error answer of the REST API, `{ error: { code, message, details? } }`, as both clients
 * hand it to a command: the remote client from the typed client's `ApiRequestError`, the local
 * one from the same error mapping the routes use. Its exit code follows from status and code.
 */
import { CliError, ExitCode } from "./exit-codes";

export class ApiError extends CliError {
  constructor(readonly status: number, readonly apiCode: string, message: string, details?: unknown) {
    super(exitCodeFor(status, apiCode), message, details);
    this.name = "ApiError";
  }
}

function exitCodeFor(status: number, code: string): ExitCode {
  if (code === "invalid_plan") return ExitCode.invalidPlan;
  if (status === 429) return ExitCode.limitReached;
  if (status === 400 || status === 404 || status === 413 || status === 415 || status === 422) return ExitCode.usage;
  return ExitCode.failed;
}
