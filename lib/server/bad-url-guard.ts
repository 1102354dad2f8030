/**
 * Requests whose path is not valid percent-encoded UTF-8 (`/api/plans/%E0%A4%A`, `/runs/%zz`) are
 * answered 400 here, before the framework's router, which would try to decode them and answer a
 * plain 500. Installed once per process, on every HTTP server of it.
 */
import http from "node:http";
import { ApiError } from "../contract/common";

const INSTALLED = Symbol.for("trellis.badUrlGuard");

/** The problem with a request target's path, or undefined when it decodes. */
export function badPathProblem(target: string): string | undefined {
  const pathPart = target.split(/[?#]/, 1)[0];
  try {
    decodeURIComponent(pathPart);
    return undefined;
  } catch {
    return "The request's path is not valid percent-encoded UTF-8.";
  }
}

export function installBadUrlGuard(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      const problem = badPathProblem(req.url ?? "/");
      if (problem) {
        const body = JSON.stringify(ApiError.parse({ error: { code: "bad_request", message: problem } }));
        res.writeHead(400, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
        res.end(body);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
