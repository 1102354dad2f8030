import { expect, test } from "@playwright/test";
import { example, importPlan } from "./support";

test.describe("templates page", () => {
  test("lists the built-in templates from the nav, and a filled-in template becomes a plan", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
    await expect(page).toHaveURL(/\/templates$/);
    await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeVisible();
    const cards = page.getByTestId("template-card");
    await expect(cards).toHaveCount(5);
    const branching = page.locator('[data-template="sql-or-general"]');
    await expect(branching.getByText("Answer a question: SQL or general")).toBeVisible();
    await expect(branching.getByText("LLM", { exact: true })).toBeVisible();
    await expect(branching.getByText("text.classify → sql.list_tables → sql.pick_tables", { exact: false })).toBeVisible();
    // the suite's server has no LLM: the card says its plans cannot run yet
    await expect(branching.getByTestId("template-needs-llm")).toContainText("Needs an LLM provider, and none is configured");
    await expect(page.locator('[data-template="csv-report"]').getByTestId("template-needs-llm")).toHaveCount(0);
    const sql = page.locator('[data-template="sql-answer"]');
    await expect(sql.getByText("approval", { exact: true })).toBeVisible();
    await expect(sql.getByText("sql.generate → sql.query_generated → data.to_markdown")).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/templates.png", fullPage: true });

    const csv = page.locator('[data-template="csv-report"]');
    await csv.getByRole("button", { name: "Use template" }).click();
    const form = csv.getByTestId("use-template-form");
    await form.getByLabel(/^Group by/).fill("product");
    await form.getByLabel(/^Report title/).fill("Revenue by product");
    await form.getByLabel(/^Aggregate/).selectOption("avg");
    await form.getByRole("button", { name: "Create plan" }).click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
    await expect(page).toHaveTitle(/The avg of revenue by product/);
  });

  test("the CSV report made with the form's defaults has its titles filled, and saves as a template", async ({ page, request }) => {
    await page.goto("/templates");
    const csv = page.locator('[data-template="csv-report"]');
    await csv.getByRole("button", { name: "Use template" }).click();
    await csv.getByRole("button", { name: "Create plan" }).click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
    const planId = page.url().split("/").pop()!;
    const detail = await (await request.get(`/api/plans/${planId}`)).text();
    expect(detail).not.toContain("{{");
    expect(detail).toContain("Report: sum of revenue by region");

    await page.getByTestId("open-save-template").click();
    await page.getByTestId("save-template-form").getByLabel("Name", { exact: true }).fill("CSV report from the form");
    await page.getByTestId("save-template-button").click();
    await expect(page.getByTestId("template-saved")).toContainText("csv-report-from-the-form");
    await page.screenshot({ path: "test-results/screenshots/template-saved-from-csv-report.png" });
    expect((await request.delete("/api/templates/csv-report-from-the-form")).status()).toBe(200);
  });

  test("without an LLM, a plan made from sql-or-general lists its LLM steps and its run is refused before it starts", async ({ request }) => {
    const made = await request.post("/api/templates/sql-or-general/instantiate", { data: { params: { question: "How many orders were shipped to Germany?" } } });
    expect(made.status(), await made.text()).toBe(201);
    const body = (await made.json()) as { planId: string; coverage: { parts: { steps: string[]; uncovered?: { reason: string } }[] } };
    expect(body.coverage.parts.filter((p) => p.uncovered?.reason === "needs_llm").map((p) => p.steps[0])).toEqual(["classify", "pick", "write", "sql_answer", "general_answer"]);
    const run = await request.post(`/api/plans/${body.planId}/runs`, { data: {} });
    expect(run.status()).toBe(422);
    expect(((await run.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "llm_not_configured", message: expect.stringContaining("classify (text.classify)") });
    expect((await request.delete(`/api/plans/${body.planId}`)).status()).toBe(200);
  });

  test("a parameter that does not fit is named and nothing is created", async ({ page }) => {
    await page.goto("/templates");
    const sql = page.locator('[data-template="sql-answer"]');
    await sql.getByRole("button", { name: "Use template" }).click();
    await sql.getByLabel(/^Question/).fill("ab");
    await sql.getByRole("button", { name: "Create plan" }).click();
    await expect(sql.getByTestId("use-template-error")).toContainText('"Question": must have at least 3 characters');
    await expect(page).toHaveURL(/\/templates$/);
    await sql.getByLabel(/^Most rows/).fill("0");
    await sql.getByLabel(/^Question/).fill("Top 5 customers by revenue");
    await sql.getByRole("button", { name: "Create plan" }).click();
    await expect(sql.getByTestId("use-template-error")).toContainText('"Most rows": must be ≥ 1');
  });

  test("a template saved over the API appears as a saved card and can be used", async ({ page, request }) => {
    const plan = {
      goal: "Top sales rows",
      flows: ["data"],
      inputs: [{ name: "top", schema: { type: "integer", minimum: 1 }, default: 3 }],
      steps: [
        { id: "load", action: "data.load_csv", inputs: { path: { kind: "literal", value: "sample:sales.csv" } } },
        { id: "best", action: "data.sort", inputs: { table: { kind: "step", step: "load", path: ["table"] }, by: { kind: "literal", value: [{ column: "revenue", direction: "desc" }] }, limit: { kind: "input", name: "top" } } },
      ],
      outputs: { table: { kind: "step", step: "best", path: ["table"] } },
    };
    const res = await request.post("/api/templates", { data: { plan, name: "E2E top rows", description: "Saved in a test" } });
    expect(res.status(), await res.text()).toBe(201);
    await page.goto("/templates");
    const saved = page.locator('[data-template="e2e-top-rows"]');
    await expect(saved.getByText("saved", { exact: true })).toBeVisible();
    await saved.getByRole("button", { name: "Use template" }).click();
    await saved.getByRole("button", { name: "Create plan" }).click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
  });

  test("a plan is saved as a template from the editor", async ({ page, request }) => {
    const planId = await importPlan(page, example("revenue-by-region"));
    await page.getByTestId("open-save-template").click();
    await page.getByTestId("save-template-form").getByLabel("Name", { exact: true }).fill("Regional revenue report");
    await page.getByTestId("save-template-button").click();
    await expect(page.getByTestId("template-saved")).toContainText("regional-revenue-report");
    await page.goto("/templates");
    const card = page.locator('[data-template="regional-revenue-report"]');
    await expect(card).toContainText("report_path");
    expect((await request.delete("/api/templates/regional-revenue-report")).status()).toBe(200);
    expect((await request.delete(`/api/plans/${planId}`)).status()).toBe(200);
  });
});
