/**
 * Checks every request gets before the framework's router, on every HTTP server of the process:
 * - a path that is not valid percent-encoded UTF-8 (`/api/plans/%E0%A4%A`) is a 400 (the router
 *   would try to decode it and answer a plain 500);
 * - a `Host` that is not this server's is a 403: a name, unless it is `localhost` or the host of
 *   TRELLIS_PUBLIC_URL, is how a page on another site reaches a server on this machine through
 *   DNS rebinding. Address literals are allowed (rebinding needs a name), as is any host when the
 *   server is reached without one;
 * - a request that reaches the server on an address other than loopback is a 403 unless accounts
 *   are required: `npm start` refuses such a HOST, and this holds the same line for a server
 *   started any other way (a bare `next start -H 0.0.0.0`, a container's port mapping).
 */
import http from "node:http";
import ipaddr from "ipaddr.js";
import { ApiError } from "../contract/common";
import { config } from "./env";

const INSTALLED = Symbol.for("trellis.requestGuard");

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

/** The problem with a Host header, or undefined when it names this server. */
export function badHostProblem(hostHeader: string | undefined, publicUrl: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const name = hostOnly(hostHeader);
  if (name === "localhost" || name.endsWith(".localhost") || ipaddr.isValid(name)) return undefined;
  if (publicUrl && hostOnly(new URL(publicUrl).host) === name) return undefined;
  return `This server does not answer for the host "${name}". Reach it by its address or localhost, or set TRELLIS_PUBLIC_URL to the address people use.`;
}

/** The problem with a request that arrived on `localAddress`, or undefined when it may be served. */
export function offLoopbackProblem(localAddress: string | undefined, accounts: "auto" | "required"): string | undefined {
  if (accounts === "required" || !localAddress || !ipaddr.isValid(localAddress)) return undefined;
  if (ipaddr.process(localAddress).range() === "loopback") return undefined;
  return "This Trellis serves only this machine (127.0.0.1) while accounts are not required. Set TRELLIS_ACCOUNTS=required to let other machines in, each person signed in (README, \"Deploying for a team\").";
}

function hostOnly(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]"));
  return h.replace(/:\d+$/, "").replace(/\.$/, "");
}

function refuse(res: http.ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify(ApiError.parse({ error: { code, message } }));
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function installRequestGuard(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      const path = badPathProblem(req.url ?? "/");
      if (path) return refuse(res, 400, "bad_request", path), true;
      const cfg = config();
      const host = badHostProblem(req.headers.host, cfg.publicUrl);
      if (host) return refuse(res, 403, "host_not_allowed", host), true;
      const off = offLoopbackProblem(req.socket.localAddress, cfg.accounts);
      if (off) return refuse(res, 403, "accounts_required", off), true;
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
