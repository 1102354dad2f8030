/**
 * TRELLIS_LOG_LEVEL reaches the server's log: lines below the level are dropped, and the
 * request log (debug), the unexpected-error log (error) and warnings follow it. The
 * configuration is read once per module instance, so each level gets fresh modules.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, type LogLevel } from "./log";
import { setSecretValues } from "./connections/redaction";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

function sink() {
  const lines: [string, string][] = [];
  const at = (level: string) => (message: string) => void lines.push([level, message]);
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

describe("the server's logger", () => {
  it("replaces every known secret value (and its base64 form) with [redacted], in the line and in its data", () => {
    const secret = "log-secret-0f9e8d7c";
    setSecretValues("connection:log-test", [secret]);
    try {
      const lines: unknown[][] = [];
      const log = createLogger("debug", { debug: (...a: unknown[]) => void lines.push(a), info: (...a: unknown[]) => void lines.push(a), warn: (...a: unknown[]) => void lines.push(a), error: (...a: unknown[]) => void lines.push(a) });
      log.warn(`the server said ${secret} and ${Buffer.from(secret).toString("base64")}`, new Error(`failed: ${secret}`), { header: secret });
      const text = JSON.stringify(lines.map((l) => l.map((d) => (d instanceof Error ? `${d.message} ${d.stack}` : d))));
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString("base64"));
      expect(lines[0][0]).toBe("[trellis] the server said [redacted] and [redacted]");
      expect((lines[0][1] as Error).message).toBe("failed: [redacted]");
      expect(lines[0][2]).toEqual({ header: "[redacted]" });
    } finally {
      setSecretValues("connection:log-test", []);
    }
  });

  it("writes the lines at its level and above, and drops the rest", () => {
    const expected: Record<LogLevel, string[]> = { debug: ["debug", "info", "warn", "error"], info: ["info", "warn", "error"], warn: ["warn", "error"], error: ["error"] };
    for (const [level, written] of Object.entries(expected) as [LogLevel, string[]][]) {
      const s = sink();
      const log = createLogger(level, s);
      for (const at of ["debug", "info", "warn", "error"] as const) log[at](`a ${at} line`);
      expect(s.lines.map(([l]) => l), level).toEqual(written);
      expect(s.lines[0][1]).toMatch(/^\[trellis\] a \w+ line$/);
    }
  });

  /** Fresh server modules under this TRELLIS_LOG_LEVEL, with the console watched. */
  async function serverAt(level: string | undefined) {
    vi.resetModules();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.stubEnv("TRELLIS_LOG_LEVEL", level);
    vi.stubEnv("TRELLIS_CHECK_ANSWERS", "0");
    const consoleLines = { debug: vi.spyOn(console, "debug").mockImplementation(() => {}), warn: vi.spyOn(console, "warn").mockImplementation(() => {}), error: vi.spyOn(console, "error").mockImplementation(() => {}) };
    const { route } = await import("./route");
    const { serverLog } = await import("./log");
    const { OPERATIONS } = await import("../contract/operations");
    const handler = route(OPERATIONS.listFlows, async ({ request }) => {
      if (new URL(request.url).searchParams.has("boom")) throw new Error("a bug");
      return new Response("{}", { status: 200 });
    });
    const get = (url: string) => handler(new Request(url));
    return { consoleLines, get, log: serverLog() };
  }

  it("logs each request at debug, and not at the default level (info)", async () => {
    const debug = await serverAt("debug");
    expect((await debug.get("http://t/api/flows")).status).toBe(200);
    expect(debug.consoleLines.debug).toHaveBeenCalledWith(expect.stringMatching(/^\[trellis\] GET \/api\/flows 200 in \d+ ms$/));

    const info = await serverAt(undefined);
    expect(info.log.level).toBe("info");
    await info.get("http://t/api/flows");
    expect(info.consoleLines.debug).not.toHaveBeenCalled();
  });

  it("at error, still logs unexpected errors but drops warnings", async () => {
    const s = await serverAt("error");
    expect((await s.get("http://t/api/flows?boom")).status).toBe(500);
    expect(s.consoleLines.error).toHaveBeenCalledWith("[trellis] GET /api/flows failed", expect.any(Error));
    s.log.warn("a PostgreSQL connection closed");
    expect(s.consoleLines.warn).not.toHaveBeenCalled();

    const warn = await serverAt("warn");
    warn.log.warn("a PostgreSQL connection closed");
    expect(warn.consoleLines.warn).toHaveBeenCalledWith("[trellis] a PostgreSQL connection closed");
  });
});
