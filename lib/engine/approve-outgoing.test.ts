/**
 * "Approve outgoing calls" on both databases, with the real web.fetch and data.load_csv against
 * a local HTTP server: a step that sends data outside Trellis waits for a person with the option
 * (and says why), runs at once without it, cannot be waived by the plan's `approval: false`, and
 * in a dry run is neither held nor sent. Steps that stay inside Trellis are not held.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Plan, Step } from "../core";
import { freshDatabase, postgresAvailability, type DbKind } from "../../tests/support/databases";
import { makeHarness, type Harness } from "../../tests/support/engine-harness";
import { startTestServer, type TestServer } from "../../tests/support/http-server";
import { newProbe, testActions } from "../../tests/support/engine-actions";
import { fetchAction } from "../actions/web/http-request";
import { loadCsvAction } from "../actions/data/load-csv";
import type { Database } from "../store/database";
import { lit } from "../../tests/support/bindings";

const plan = (steps: Step[]): Plan => ({ goal: "test", flows: [], inputs: [], outputs: {}, steps });

const pg = await postgresAvailability();
const kinds: DbKind[] = pg.run ? ["pglite", "postgres"] : ["pglite"];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    "/page": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("hello"),
    "/table.csv": (_req, res) => res.writeHead(200, { "content-type": "text/csv" }).end("a,b\n1,2\n"),
  });
});
afterAll(() => server?.close());

describe.each(kinds)("approve outgoing calls on %s", (kind) => {
  let db: Database;
  let h: Harness;
  beforeAll(async () => { db = await freshDatabase(kind); });
  afterAll(async () => { await db?.close(); });
  beforeEach(() => {
    const allow = { httpAllowHosts: ["127.0.0.1"] };
    h = makeHarness(db, [fetchAction(allow), loadCsvAction(allow), ...testActions(newProbe())]);
  });
  const hitsOf = (path: string) => server.hits.filter((x) => x.path.startsWith(path)).length;
  const fetchStep = (extra: Partial<Step> = {}): Step => ({ id: "get", action: "web.fetch", inputs: { url: lit(`${server.url}/page?run=${Math.random()}`) }, ...extra });

  it("holds a web.fetch step for a person with the option, and says why; nothing is sent before the approval", async () => {
    const v = await h.savePlan(plan([fetchStep(), { id: "local", action: "test.add", inputs: { a: lit(1), b: lit(2) } }]));
    const before = hitsOf("/page");
    const paused = await h.engine.run({ planVersionId: v, options: { approveOutgoing: true } }, { untilApproval: true });
    expect(paused.run.status).toBe("awaiting_approval");
    const by = Object.fromEntries(paused.steps.map((s) => [s.stepId, s.status]));
    expect(by).toEqual({ get: "awaiting_approval", local: "succeeded" });
    expect(hitsOf("/page")).toBe(before);
    const waiting = (await h.store.events(paused.run.id)).find((e) => e.type === "step.awaiting_approval");
    expect(waiting).toMatchObject({ stepId: "get", data: { reasons: ["outgoing"] } });
    await h.engine.approve(paused.run.id, "get");
    const done = await h.engine.wait(paused.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(hitsOf("/page")).toBe(before + 1);
  });

  it("runs the same step at once without the option", async () => {
    const v = await h.savePlan(plan([fetchStep()]));
    const done = await h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("succeeded");
    expect((await h.store.events(done.run.id)).some((e) => e.type === "step.awaiting_approval")).toBe(false);
  });

  it("a plan's `approval: false` does not lift it, and approving writes alone does not hold a read", async () => {
    const v = await h.savePlan(plan([fetchStep({ approval: false })]));
    const held = await h.engine.run({ planVersionId: v, options: { approveOutgoing: true } }, { untilApproval: true });
    expect(held.run.status).toBe("awaiting_approval");
    await h.engine.reject(held.run.id, "get");
    await h.engine.wait(held.run.id);
    const v2 = await h.savePlan(plan([fetchStep()]));
    expect((await h.engine.run({ planVersionId: v2, options: { approveWrites: true } })).run.status).toBe("succeeded");
  });

  it("holds a load from a URL, not a load from a bundled sample", async () => {
    const v = await h.savePlan(plan([
      { id: "remote", action: "data.load_csv", inputs: { path: lit(`${server.url}/table.csv`) } },
      { id: "sample", action: "data.load_csv", inputs: { path: lit("sample:sales.csv") } },
    ]));
    const paused = await h.engine.run({ planVersionId: v, options: { approveOutgoing: true } }, { untilApproval: true });
    expect(Object.fromEntries(paused.steps.map((s) => [s.stepId, s.status]))).toEqual({ remote: "awaiting_approval", sample: "succeeded" });
    await h.engine.cancel(paused.run.id);
    await h.engine.wait(paused.run.id);
  });

  it("a dry run never waits, and does not send an outgoing step: it says what it would have sent", async () => {
    const v = await h.savePlan(plan([fetchStep()]));
    const before = hitsOf("/page");
    const dry = await h.engine.run({ planVersionId: v, options: { approveOutgoing: true, dryRun: true } });
    expect(dry.run.status).toBe("succeeded");
    expect(dry.steps[0].status).toBe("skipped");
    expect(hitsOf("/page")).toBe(before);
    const skipped = (await h.store.events(dry.run.id)).find((e) => e.type === "step.skipped");
    expect(JSON.stringify(skipped?.data)).toContain("would send data outside Trellis with web.fetch");
    // Without the option a dry run reads, as it always has.
    await h.engine.run({ planVersionId: v, options: { dryRun: true } });
    expect(hitsOf("/page")).toBe(before + 1);
  });
});
