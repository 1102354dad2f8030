/**
 * Accounts in the browser, on an app of this spec's own (a fresh data folder: accounts begin off,
 * as on any loopback install). The owner is set up at /setup, invites a viewer and an approver on
 * the settings page; the viewer sees plans and runs but is offered no edit, run or approval (and
 * the API answers 403); the approver approves; the run's activity shows who did what. Then the
 * owner manages members (a role changed, an invitation revoked, a member removed, never the last
 * owner) and changes their own password.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import path from "node:path";
import { startApp } from "../scripts/bench/app-server";
import { screenshotDir } from "./support";

const PASSWORD = "a long enough password";
const lit = (value: unknown) => ({ kind: "literal", value });
// Quick steps (a loaded machine must not time them out), one of which waits for a person.
const PLAN = {
  goal: "Write a greeting after a person approves it",
  flows: [],
  inputs: [],
  outputs: {},
  steps: [
    { id: "draft", action: "text.template", inputs: { template: lit("Hello, {{name}}"), values: lit({ name: "team" }) } },
    { id: "send", action: "text.template", inputs: { template: lit("sent"), values: lit({}) }, after: ["draft"], approval: true },
  ],
};
let app: { baseUrl: string; stop(): Promise<void> };

test.beforeAll(async () => {
  app = await startApp({ timeoutMs: 120_000, checkAnswers: true, echoStderr: false });
});
test.afterAll(async () => {
  await app?.stop();
});

const url = (p: string) => `${app.baseUrl}${p}`;

async function memberId(page: Page, email: string): Promise<string> {
  const { members } = (await (await page.request.get(url("/api/members"))).json()) as { members: { id: string; email: string }[] };
  return members.find((m) => m.email === email)!.id;
}

async function join(browser: Browser, link: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
  await page.getByRole("button", { name: "Join and sign in" }).click();
  await page.waitForURL(url("/"));
  return page;
}

test.describe("accounts and roles", () => {
  test.setTimeout(300_000);

  test("owner setup, invitations, a viewer who can only look, an approver who approves, and the audit trail", async ({ browser }) => {
    const owner = await (await browser.newContext()).newPage();
    // Accounts off: no sign-in, the settings page offers to set up an owner.
    await owner.goto(url("/settings"));
    await expect(owner.getByTestId("accounts-off")).toBeVisible();
    await owner.getByTestId("start-setup").click();
    await owner.waitForURL(url("/setup"));
    await owner.screenshot({ path: path.join(screenshotDir, "accounts-setup.png"), fullPage: true });
    await owner.getByLabel("Your name").fill("Olive Owner");
    await owner.getByLabel("E-mail").fill("olive@example.com");
    await owner.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await owner.getByLabel("Password again").fill(PASSWORD);
    await owner.getByRole("button", { name: "Create the owner and sign in" }).click();
    await owner.waitForURL(url("/settings"));
    await expect(owner.getByTestId("signed-in-as")).toHaveText("olive@example.com");

    // From now on a browser without a session is sent to sign in, and the API answers 401.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(url("/runs"));
    await stranger.waitForURL(/\/login\?next=%2Fruns$/);
    expect((await stranger.request.get(url("/api/runs"))).status()).toBe(401);
    await stranger.getByLabel("E-mail").fill("olive@example.com");
    await stranger.getByLabel("Password").fill("not the password");
    await stranger.getByRole("button", { name: "Sign in" }).click();
    await expect(stranger.getByTestId("sign-in-error")).toContainText("not right");
    await stranger.screenshot({ path: path.join(screenshotDir, "accounts-login.png"), fullPage: true });

    // Invitations, each with its role.
    const links: Record<string, string> = {};
    for (const [email, role] of [["vic@example.com", "viewer"], ["ann@example.com", "approver"]]) {
      await owner.getByLabel("Invite by e-mail").fill(email);
      await owner.getByLabel("Role", { exact: true }).selectOption(role);
      await owner.getByTestId("invite-member").click();
      // The list shows the invitation once the link of this one (not the one before) is there.
      await expect(owner.getByTestId("invitation-row").filter({ hasText: email })).toBeVisible();
      await expect(owner.getByTestId("invite-link")).not.toHaveText(Object.values(links).at(-1) ?? "");
      links[role] = (await owner.getByTestId("invite-link").textContent())!.trim();
    }
    // An API token, shown once, listed with its scopes.
    await owner.getByLabel("Name", { exact: true }).fill("laptop CLI");
    await owner.getByTestId("scope-run").check();
    await owner.getByTestId("create-token").click();
    await expect(owner.getByTestId("token-value")).toContainText("trl_");
    const token = (await owner.getByTestId("token-value").textContent())!.trim();
    await expect(owner.getByTestId("token-row").filter({ hasText: "laptop CLI" })).toContainText("read, run");
    expect((await owner.request.get(url("/api/me"), { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
    await owner.reload();
    await expect(owner.getByTestId("token-row").filter({ hasText: "laptop CLI" }).getByTestId("token-last-used")).not.toHaveText("never");
    await owner.screenshot({ path: path.join(screenshotDir, "accounts-settings.png"), fullPage: true });

    // The owner makes a plan with a step that waits for approval, and runs it.
    const imported = await owner.request.post(url("/api/plans/import"), { data: { plan: PLAN } });
    expect(imported.status()).toBe(201);
    const { planId } = (await imported.json()) as { planId: string };
    const started = await owner.request.post(url(`/api/plans/${planId}/runs`), { data: {} });
    expect(started.status()).toBe(202);
    const { runId } = (await started.json()) as { runId: string };

    // The viewer sees the plan and the run, with nothing to change, run or approve.
    const viewer = await join(browser, links.viewer, "Vic Viewer");
    await expect(viewer.getByTestId("signed-in-as")).toHaveText("vic@example.com");
    await expect(viewer.getByText("Import a plan")).toHaveCount(0);
    await viewer.goto(url(`/plans/${planId}`));
    await expect(viewer.getByTestId("read-only")).toBeVisible();
    await expect(viewer.getByTestId("plan-title")).toBeVisible();
    for (const id of ["save-button", "open-run", "open-refine", "open-manage"]) await expect(viewer.getByTestId(id)).toHaveCount(0);
    await viewer.goto(url(`/runs/${runId}`));
    await expect(viewer.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 30_000 });
    await expect(viewer.getByTestId("approval-not-yours")).toBeVisible();
    await expect(viewer.getByTestId("approve-button")).toHaveCount(0);
    await expect(viewer.getByTestId("cancel-run")).toHaveCount(0);
    await expect(viewer.getByTestId("run-started-by")).toHaveText("olive@example.com");
    await viewer.screenshot({ path: path.join(screenshotDir, "accounts-viewer-run.png"), fullPage: true });
    // Templates are there to read, without the form that makes a plan from one.
    await viewer.goto(url("/templates"));
    await expect(viewer.getByTestId("template-card").first()).toBeVisible();
    await expect(viewer.getByRole("button", { name: "Use template" })).toHaveCount(0);
    await viewer.goto(url(`/runs/${runId}`));
    const waiting = (await (await viewer.request.get(url(`/api/runs/${runId}`))).json()) as { steps: { stepId: string; status: string }[] };
    const stepId = waiting.steps.find((s) => s.status === "awaiting_approval")!.stepId;
    for (const [p, data] of [[`/api/runs/${runId}/approve`, { stepId }], [`/api/runs/${runId}/cancel`, undefined], [`/api/plans/${planId}/runs`, {}], ["/api/plans/import", { plan: PLAN }]] as const) {
      const res = await viewer.request.post(url(p), data === undefined ? {} : { data });
      expect(res.status(), p).toBe(403);
    }

    // The approver approves, as themself.
    const approver = await join(browser, links.approver, "Ann Approver");
    await approver.goto(url(`/runs/${runId}`));
    await expect(approver.getByTestId("approval-as")).toHaveText("Decided as ann@example.com.");
    await approver.getByTestId("approval-comment").fill("numbers checked");
    await approver.getByTestId("approve-button").click();
    await expect(approver.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });

    // Everyone sees who did what.
    await viewer.reload();
    const activity = viewer.getByTestId("run-activity");
    await expect(activity.getByTestId("activity-entry")).toHaveCount(2);
    const [first, second] = [activity.getByTestId("activity-entry").nth(0), activity.getByTestId("activity-entry").nth(1)];
    await expect(first).toHaveAttribute("data-what", "started");
    await expect(first.getByTestId("activity-who")).toHaveText("olive@example.com");
    await expect(second).toHaveAttribute("data-what", "approved");
    await expect(second.getByTestId("activity-who")).toHaveText("ann@example.com");
    await expect(second).toContainText(`step ${stepId}: “numbers checked”`);
    await viewer.screenshot({ path: path.join(screenshotDir, "accounts-activity.png"), fullPage: true });

    // Signing out ends the session.
    await viewer.getByTestId("sign-out").click();
    await viewer.waitForURL(/\/login/);
    await viewer.goto(url(`/runs/${runId}`));
    await viewer.waitForURL(/\/login\?next=/);

    // The owner manages members: the only owner keeps the role and cannot be removed.
    await owner.goto(url("/settings"));
    const row = (email: string) => owner.getByTestId("member-row").filter({ hasText: email });
    await expect(row("olive@example.com").getByTestId("member-role")).toBeDisabled();
    await expect(row("olive@example.com").getByTestId("member-remove")).toHaveCount(0);
    expect((await owner.request.put(url(`/api/members/${(await memberId(owner, "olive@example.com"))}`), { data: { role: "viewer" } })).status()).toBe(409);
    // The approver becomes an editor: the server says so at once (their session acts with it).
    await row("ann@example.com").getByTestId("member-role").selectOption("editor");
    await expect(row("ann@example.com").getByTestId("member-role")).toHaveValue("editor");
    await approver.goto(url(`/plans/${planId}`));
    await expect(approver.getByTestId("open-run")).toBeVisible();
    // An invitation is revoked: its link stops working.
    await owner.getByLabel("Invite by e-mail").fill("late@example.com");
    await owner.getByLabel("Role", { exact: true }).selectOption("viewer");
    await owner.getByTestId("invite-member").click();
    await expect(owner.getByTestId("invitation-row").filter({ hasText: "late@example.com" })).toBeVisible();
    const lateLink = (await owner.getByTestId("invite-link").textContent())!.trim();
    await owner.getByTestId("invitation-row").filter({ hasText: "late@example.com" }).getByTestId("invitation-revoke").click();
    await expect(owner.getByTestId("invitation-row").filter({ hasText: "late@example.com" })).toHaveCount(0);
    const late = await (await browser.newContext()).newPage();
    await late.goto(lateLink);
    await expect(late.getByTestId("invitation-invalid")).toBeVisible();
    // The viewer is removed.
    owner.once("dialog", (d) => void d.accept());
    await row("vic@example.com").getByTestId("member-remove").click();
    await expect(row("vic@example.com")).toHaveCount(0);
    await owner.screenshot({ path: path.join(screenshotDir, "accounts-members.png"), fullPage: true });
    await viewer.goto(url("/login"));
    await viewer.getByLabel("E-mail").fill("vic@example.com");
    await viewer.getByLabel("Password").fill(PASSWORD);
    await viewer.getByRole("button", { name: "Sign in" }).click();
    await expect(viewer.getByTestId("sign-in-error")).toContainText("not right");

    // The owner changes their password: the wrong current one is refused, then the new one signs in.
    const NEW_PASSWORD = "another long password";
    await owner.getByLabel("Current password").fill("not the password");
    await owner.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await owner.getByLabel("New password again").fill(NEW_PASSWORD);
    await owner.getByTestId("change-password").click();
    await expect(owner.getByTestId("password-error")).toContainText("current password is not right");
    await owner.getByLabel("Current password").fill(PASSWORD);
    await owner.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await owner.getByLabel("New password again").fill(NEW_PASSWORD);
    await owner.getByTestId("change-password").click();
    await expect(owner.getByTestId("password-changed")).toBeVisible();
    await owner.getByTestId("sign-out").click();
    await owner.waitForURL(/\/login/);
    await owner.getByLabel("E-mail").fill("olive@example.com");
    await owner.getByLabel("Password").fill(NEW_PASSWORD);
    await owner.getByRole("button", { name: "Sign in" }).click();
    await owner.waitForURL(url("/"));
    await expect(owner.getByTestId("signed-in-as")).toHaveText("olive@example.com");
  });
});
