/**
 * One HTTP exchange with the safety rails every caller needs: the host allow-list is
 * checked on the first URL and on every redirect hop, every connection goes only to a public
 * address unless allowed (address-guard.ts), the body is read as a stream and cut off at
 * `maxBytes`, and timeouts/network failures become retryable ActionErrors.
 */
import { fetch, type Response } from "undici";
import { ActionError } from "@/lib/core/action";
import { readLimited } from "@/lib/core/read-limited";
import { checkLiteralAddress, findRefusal, guardedAgent, refusal, type AddressPolicy } from "./address-guard";
import { checkUrlAllowed } from "./host-allow-list";

export const DEFAULT_HTTP_MAX_BYTES = 5 * 1024 * 1024;

export interface LimitedFetchRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
  allowHosts: readonly string[];
  /** loopback and private addresses may be reached (an administrator's choice) */
  allowPrivate?: boolean;
  signal: AbortSignal;
  maxRedirects?: number;
  /** the address policy when it is not the one `allowHosts` and `allowPrivate` give (an HTTP API's calls: its host is allowed, its address still checked) */
  addressPolicy?: AddressPolicy;
}

export interface LimitedFetchResponse {
  /** the final URL after redirects */
  url: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function limitedFetch(req: LimitedFetchRequest): Promise<LimitedFetchResponse> {
  const policy: AddressPolicy = req.addressPolicy ?? { allowPrivate: req.allowPrivate ?? false, namedHosts: req.allowHosts.filter((h) => !h.includes("*")) };
  const check = (raw: string) => {
    const checked = checkUrlAllowed(raw, req.allowHosts);
    checkLiteralAddress(checked, policy);
    return checked;
  };
  const dispatcher = guardedAgent(policy);
  let url = check(req.url);
  let method = (req.method ?? "GET").toUpperCase();
  let body = req.body;
  const maxRedirects = req.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);

  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, { method, headers: req.headers, body, signal, redirect: "manual", dispatcher });
      const location = res.headers.get("location");
      if (REDIRECTS.has(res.status) && location) {
        await res.body?.cancel();
        if (hop >= maxRedirects) {
          throw new ActionError("too_many_redirects", `Gave up after ${maxRedirects} redirects starting from ${req.url}.`);
        }
        url = check(new URL(location, url).href);
        // 303 (and, by long browser practice, 301/302 after POST) turn into a bodiless GET.
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      const declared = Number(res.headers.get("content-length") ?? NaN);
      if (Number.isFinite(declared) && declared > req.maxBytes) {
        await res.body?.cancel();
        throw tooLarge(url, req.maxBytes, declared);
      }
      const bytes = await readBody(res, req.maxBytes, url);
      return { url: url.href, status: res.status, statusText: res.statusText, headers, body: bytes };
    }
  } catch (err) {
    if (err instanceof ActionError) throw err;
    const refused = findRefusal(err);
    if (refused) throw refusal(refused);
    // The run was cancelled: let the engine see its own abort, not a wrapped error.
    if (req.signal.aborted) throw req.signal.reason;
    if (timeout.aborted) {
      throw new ActionError("http_timeout", `The request to ${url.host} took longer than ${req.timeoutMs} ms.`, { retryable: true, cause: err });
    }
    const reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new ActionError("network_error", `Could not reach ${url.host}: ${reason}.`, { retryable: true, cause: err });
  }
}

function tooLarge(url: URL, maxBytes: number, size?: number): ActionError {
  const got = size ? ` (it is ${size} bytes)` : "";
  return new ActionError("response_too_large", `The response from ${url.host} is larger than the ${maxBytes}-byte limit${got}.`, {
    details: { maxBytes, size },
  });
}

async function readBody(res: Response, maxBytes: number, url: URL): Promise<Buffer> {
  const read = await readLimited(res.body as ReadableStream<Uint8Array> | null, maxBytes);
  if (!read.ok) throw tooLarge(url, maxBytes);
  return Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength);
}

/** Status codes worth retrying: the server is overloaded or briefly broken. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}
