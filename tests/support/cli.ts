/**
 * Runs the real `trellis` command (bin/trellis.mjs) in a child process, on a data folder of
 * the test file's own, with stdin fed from a string. Nothing is mocked.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
export const BIN = path.join(ROOT, "bin", "trellis.mjs");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  dataDir?: string;
  /** what stdin holds; it is closed after it */
  input?: string;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * send a signal the first time stderr shows this text, once `after` (when given) has resolved
   * too (stdin then stays open until it)
   */
  signalWhen?: { text: string; signal: NodeJS.Signals; after?: Promise<unknown> };
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function trellis(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        ...process.env,
        NO_COLOR: "1",
        OPENAI_API_KEY: "",
        OPENAI_BASE_URL: "",
        DATABASE_URL: "",
        TRELLIS_SERVER_URL: "",
        ...(options.dataDir ? { TRELLIS_DATA_DIR: options.dataDir } : {}),
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    let signalled = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const when = options.signalWhen;
      if (when && !signalled && stderr.includes(when.text)) {
        signalled = true;
        void (when.after ?? Promise.resolve()).then(() => child.kill(when.signal));
      }
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`trellis ${args.join(" ")} did not end within ${options.timeoutMs ?? 60_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.signalWhen) child.stdin.write(options.input ?? "");
    else child.stdin.end(options.input ?? "");
  });
}

/** The one JSON document a --json command prints on stdout. */
export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** A plan in the compact text form: the top N sales rows, written to a file (a write step). */
export const TOP_ROWS_PLAN = {
  goal: "The top sales rows by revenue, as a Markdown file",
  flows: ["data", "files"],
  inputs: [{ name: "top", schema: { type: "integer", minimum: 1 }, description: "how many rows" }],
  steps: [
    { id: "load", action: "data.load_csv", inputs: { path: "sample:sales.csv" } },
    { id: "top", action: "data.sort", inputs: { table: "${steps.load.output.table}", by: [{ column: "revenue", direction: "desc" }], limit: "${inputs.top}" } },
    { id: "md", action: "data.to_markdown", inputs: { table: "${steps.top.output.table}" } },
    { id: "save", action: "files.write", inputs: { path: "top.md", content: "${steps.md.output.markdown}" } },
  ],
  outputs: { rows: "${steps.top.output.rowCount}", file: "${steps.save.output.path}" },
};
