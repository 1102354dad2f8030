import { defineConfig } from "@playwright/test";
import path from "node:path";

const PORT = Number(process.env.E2E_PORT ?? 3210);
// Each suite run starts the app on a fresh embedded database of its own.
const dataDir = path.join(process.cwd(), "test-results", "e2e-data");

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-report.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  webServer: {
    command: `rm -rf "${dataDir}" && npm run -s start -- -p ${PORT} -H 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { TRELLIS_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", TRELLIS_CHECK_ANSWERS: "1", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", DATABASE_URL: "" },
    stdout: "ignore",
    stderr: "pipe",
  },
});
