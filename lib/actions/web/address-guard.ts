/**
 * Outgoing requests made for a plan reach public addresses only. The check is on the address a
 * host name resolves to, at the moment a connection is made (so every redirect hop and every new
 * connection is checked, and the connection goes to the address that was checked: no DNS
 * rebinding between check and use). Loopback, private, link-local (cloud metadata), carrier-grade
 * NAT, unique-local, multicast, reserved and unspecified addresses are refused unless the
 * administrator allows private addresses or names the host in the allow-list. A refusal happens
 * before any connection, so it never tells whether a port is open.
 */
import dns from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import ipaddr from "ipaddr.js";
import { Agent } from "undici";
import { ActionError } from "@/lib/core/action";
import { normalizeHost } from "./host-allow-list";

export interface AddressPolicy {
  /** private and loopback addresses are allowed for every host */
  allowPrivate: boolean;
  /** hosts named exactly in the allow-list (no wildcard): the administrator chose them, wherever they point */
  namedHosts: readonly string[];
}

/** The kind of a non-public address ("loopback", "private", …), or undefined for a public unicast one. */
export function nonPublicRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return "invalid";
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === "unicast" ? undefined : range;
}

export class AddressRefused extends Error {
  constructor(readonly host: string, readonly address: string, readonly range: string) {
    super(`"${host}" is at a ${describe(range)} address (${address}), which plans may not reach`);
    this.name = "AddressRefused";
  }
}

function describe(range: string): string {
  const words: Record<string, string> = {
    loopback: "loopback",
    private: "private-network",
    linkLocal: "link-local (cloud metadata)",
    carrierGradeNat: "carrier-grade NAT",
    uniqueLocal: "unique-local",
    unspecified: "unspecified",
    broadcast: "broadcast",
    multicast: "multicast",
    reserved: "reserved",
  };
  return words[range] ?? `non-public (${range})`;
}

function exempt(host: string, policy: AddressPolicy): boolean {
  return policy.allowPrivate || policy.namedHosts.some((h) => normalizeHost(h) === normalizeHost(host));
}

/** Refuses a URL whose host is an address literal (they are connected to without a lookup). */
export function checkLiteralAddress(url: URL, policy: AddressPolicy): void {
  const host = normalizeHost(url.hostname);
  if (!ipaddr.isValid(host) || exempt(host, policy)) return;
  const range = nonPublicRange(host);
  if (range) throw refusal(new AddressRefused(host, host, range));
}

export function refusal(err: AddressRefused): ActionError {
  return new ActionError(
    "address_not_allowed",
    `Requests to ${err.message}. An administrator can allow it with TRELLIS_HTTP_ALLOW_PRIVATE=1 or by naming the host in TRELLIS_HTTP_ALLOW_HOSTS.`,
    { details: { host: err.host, address: err.address, range: err.range } },
  );
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup for sockets that fails for a non-public address unless the policy allows it. */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (!exempt(hostname, policy)) {
        for (const a of list) {
          const range = nonPublicRange(a.address);
          if (range) return callback(Object.assign(new AddressRefused(hostname, a.address, range), { code: "EADDRREFUSED" }), []);
        }
      }
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

const agents = new Map<string, Agent>();

/** One connection pool per policy, whose sockets connect only to addresses the policy allows. */
export function guardedAgent(policy: AddressPolicy): Agent {
  const key = JSON.stringify([policy.allowPrivate, [...policy.namedHosts].map(normalizeHost).sort()]);
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { lookup: guardedLookup(policy) as never } });
    agents.set(key, agent);
  }
  return agent;
}

/** The AddressRefused somewhere in an error's causes, if any. */
export function findRefusal(err: unknown): AddressRefused | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AddressRefused) return e;
  }
  return undefined;
}
