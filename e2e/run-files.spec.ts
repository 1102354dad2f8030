import { expect, test } from "@playwright/test";
import path from "node:path";
import { screenshotDir } from "./support";

const NOTES = "Plans run; plans wait.\nA plan is a graph, and a graph is a plan.";

test.describe("files for a run, from the browser", () => {
  test("a file chosen in the run form is uploaded into the run's workspace, and the notes goal runs on it", async ({ page }) => {
    const planned = await page.request.post("/api/plans", { data: { goal: "Read notes.txt, count words, write the counts to counts.json" } });
    expect(planned.status(), await planned.text()).toBe(201);
    const { planId } = (await planned.json()) as { planId: string };
    await page.goto(`/plans/${planId}`);
    await page.getByTestId("open-run").click();
    const form = page.getByTestId("start-run");

    // A name that cannot go into a workspace is refused here, with the reason, before any upload.
    await form.getByTestId("run-files-input").setInputFiles({ name: ".env", mimeType: "text/plain", buffer: Buffer.from("x") });
    await expect(form.getByTestId("run-files-error")).toContainText("cannot be a name in the run's workspace");

    await form.getByTestId("run-files-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from(NOTES) });
    await expect(form.getByTestId("run-files-list")).toContainText("notes.txt");
    await expect(form.getByTestId("run-files-error")).toHaveCount(0);
    await page.getByTestId("run-popover").screenshot({ path: path.join(screenshotDir, "run-form-files.png") });
    await form.getByTestId("run-button").click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
    await page.screenshot({ path: path.join(screenshotDir, "run-with-files.png"), fullPage: true });

    const api = (await (await page.request.get(`/api/runs/${runId}`)).json()) as { steps: { stepId: string; output: Record<string, unknown> }[] };
    expect(api.steps.find((s) => s.stepId === "read")?.output).toMatchObject({ path: "notes.txt", content: NOTES });
    const counted = api.steps.find((s) => s.stepId === "count_words")?.output as { table: { rows: { word: string; count: number }[] } };
    expect(counted.table.rows.slice(0, 2)).toEqual([{ word: "a", count: 4 }, { word: "graph", count: 2 }]);
    expect(api.steps.find((s) => s.stepId === "write_file")?.output).toMatchObject({ path: "counts.json" });

    // Run again gives the new run the same files.
    await page.getByTestId("run-again").click();
    await page.waitForURL((url) => /\/runs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(runId));
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  });
});
