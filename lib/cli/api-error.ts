/**
 * An error answer of the REST API, `{ error: { code, message, details? } }`, as both clients
 * see it: the remote client reads it from the response, the local one maps a thrown error
 * through the same `errorResponse` the routes use. Its exit code follows from status and code.
 */
import { z } from "zod";
import { CliError, ExitCode } from "./exit-codes";

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

export class ApiError extends CliError {
  constructor(readonly status: number, readonly apiCode: string, message: string, details?: unknown) {
    super(exitCodeFor(status, apiCode), message, details);
    this.name = "ApiError";
  }

  static async fromResponse(res: Response): Promise<ApiError> {
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success) return new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
    return new ApiError(res.status, "http_error", `The server answered ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`);
  }
}

function exitCodeFor(status: number, code: string): ExitCode {
  if (code === "invalid_plan") return ExitCode.invalidPlan;
  if (status === 400 || status === 404 || status === 413 || status === 415 || status === 422) return ExitCode.usage;
  return ExitCode.failed;
}
