/**
 * Plans reach public addresses only: every spelling of loopback, private ranges, link-local
 * (cloud metadata), CGNAT and unspecified addresses are refused, by literal and by what a name
 * resolves to, on every redirect hop, before any connection (so a refusal never tells whether a
 * port is open). An administrator opens them by naming a host or with TRELLIS_HTTP_ALLOW_PRIVATE.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { runAction, testContext } from "@/tests/support/action-context";
import { startTestServer, type TestServer } from "@/tests/support/http-server";
import { loadCsvAction } from "../data/load-csv";
import { nonPublicRange } from "./address-guard";
import { fetchAction } from "./http-request";
import { limitedFetch } from "./limited-fetch";

let site: TestServer;
let port: number;
let closedPort: number;
beforeAll(async () => {
  site = await startTestServer({
    "/ok": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("secret inside"),
    "/to-localhost": (_req, res) => res.writeHead(302, { location: `http://localhost:${port}/ok` }).end(),
    "/data.csv": (_req, res) => res.writeHead(200, { "content-type": "text/csv" }).end("a,b\n1,2\n"),
  });
  port = Number(new URL(site.url).port);
  closedPort = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
});
afterAll(async () => { await site?.close(); });

const get = (url: string, allowHosts: string[] = ["*"], allowPrivate = false) =>
  limitedFetch({ url, allowHosts, allowPrivate, timeoutMs: 10_000, maxBytes: 1_000_000, signal: new AbortController().signal });
const refusal = async (url: string, allowHosts: string[] = ["*"]) => {
  const err = await get(url, allowHosts).then(() => undefined, (e: unknown) => e);
  expect(err, url).toBeInstanceOf(ActionError);
  expect(err, url).toMatchObject({ code: "address_not_allowed", retryable: false });
  return err as ActionError;
};

describe("outgoing requests of plans", () => {
  it("classify addresses: only public unicast passes", () => {
    expect(nonPublicRange("93.184.216.34")).toBeUndefined();
    expect(nonPublicRange("2606:4700::1111")).toBeUndefined();
    expect(nonPublicRange("127.0.0.1")).toBe("loopback");
    expect(nonPublicRange("::1")).toBe("loopback");
    expect(nonPublicRange("::ffff:127.0.0.1")).toBe("loopback");
    expect(nonPublicRange("10.1.2.3")).toBe("private");
    expect(nonPublicRange("192.168.1.1")).toBe("private");
    expect(nonPublicRange("172.16.0.1")).toBe("private");
    expect(nonPublicRange("169.254.169.254")).toBe("linkLocal");
    expect(nonPublicRange("100.64.0.1")).toBe("carrierGradeNat");
    expect(nonPublicRange("0.0.0.0")).toBe("unspecified");
    expect(nonPublicRange("fd00::1")).toBe("uniqueLocal");
    expect(nonPublicRange("fe80::1")).toBe("linkLocal");
  });

  it("refuse loopback in every spelling, by literal and by name, with any host allowed", async () => {
    for (const host of ["127.0.0.1", "localhost", "0.0.0.0", "2130706433", "0x7f.1", "[::1]", "[::ffff:127.0.0.1]", "127.1"]) {
      const err = await refusal(`http://${host}:${port}/ok`);
      expect(err.message).toMatch(/which plans may not reach/);
    }
    expect(site.hits.filter((h) => h.path === "/ok")).toHaveLength(0);
  });

  it("refuse private, metadata and CGNAT addresses before connecting", async () => {
    for (const url of ["http://10.0.0.1/", "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://[fd00::1]/"]) await refusal(url);
  });

  it("say the same whether the port is open or closed", async () => {
    const open = await refusal(`http://127.0.0.1:${port}/ok`);
    const closed = await refusal(`http://127.0.0.1:${closedPort}/ok`);
    expect(closed.message).toBe(open.message);
    expect(closed.details).toEqual(open.details);
  });

  it("check every redirect hop: a named host that redirects to loopback by another name is refused", async () => {
    const err = await refusal(`${site.url}/to-localhost`, ["127.0.0.1", "*"]);
    expect(err.details).toMatchObject({ host: "localhost" });
    expect(site.hits.filter((h) => h.path === "/to-localhost")).toHaveLength(1);
  });

  it("reach a private address when the administrator names the host or allows private addresses", async () => {
    expect((await get(`${site.url}/ok`, ["127.0.0.1"])).body.toString()).toBe("secret inside");
    expect((await get(`http://localhost:${port}/ok`, ["*"], true)).body.toString()).toBe("secret inside");
  });

  it("guard web.fetch and data.load_csv alike", async () => {
    const fetchErr = await runAction(fetchAction({ httpAllowHosts: ["*"] }), { url: `http://localhost:${port}/ok` }, testContext()).catch((e: unknown) => e);
    expect(fetchErr).toMatchObject({ code: "address_not_allowed" });
    const csvErr = await runAction(loadCsvAction({ httpAllowHosts: ["*"] }), { path: `${site.url}/data.csv` }, testContext()).catch((e: unknown) => e);
    expect(csvErr).toMatchObject({ code: "address_not_allowed" });
    const allowed = await runAction(loadCsvAction({ httpAllowHosts: ["*"], httpAllowPrivate: true }), { path: `${site.url}/data.csv` }, testContext());
    expect(allowed).toMatchObject({ rowCount: 1 });
  });
});
