/**
 * Which hosts the web and data actions may contact. Entries are hostnames ("api.example.com"),
 * wildcards for subdomains ("*.example.com", which does not match example.com itself) or "*"
 * for any host. Ports are ignored; the scheme must be http or https.
 */
import { ActionError } from "@/lib/core/action";

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
}

export function hostAllowed(hostname: string, allowList: readonly string[]): boolean {
  const host = normalizeHost(hostname);
  return allowList.some((entry) => {
    const e = normalizeHost(entry);
    if (e === "*") return true;
    if (e.startsWith("*.")) return host.endsWith(e.slice(1)) && host.length > e.length - 1;
    return host === e;
  });
}

/** Parse the URL and refuse anything but http(s) to an allowed host, with a message saying how to allow it. */
export function checkUrlAllowed(rawUrl: string, allowList: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new ActionError("invalid_url", `"${rawUrl}" is not a valid absolute URL (expected something like https://example.com/data.csv).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ActionError("unsupported_url_scheme", `Only http and https URLs can be fetched, got "${url.protocol}".`);
  }
  if (!hostAllowed(url.hostname, allowList)) {
    const allowed = allowList.length ? allowList.join(", ") : "(none)";
    throw new ActionError(
      "host_not_allowed",
      `Requests to "${normalizeHost(url.hostname)}" are not allowed. Allowed hosts: ${allowed}. Add the host to the HTTP allow-list to permit it.`,
      { details: { host: url.hostname, allowList } },
    );
  }
  return url;
}
