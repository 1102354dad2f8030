/**
 * npm run eval:taskbench -- [--data <folder>]
 * Prints one JSON object per line (see lib/taskbench/README.md); diagnostics go to stderr. Per set:
 * gold-validity; per predictions file, predictions and repair (deterministic, no LLM call);
 * then offline-planner (the offline planner on every gold request).
 * The default folder is ../shared/data/taskbench next to the repository root.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { evaluateFolder } from "../lib/taskbench/evaluate";

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
    dir = up;
  }
}

function parseArgs(argv: string[]): { data?: string } {
  const out: { data?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--data") out.data = argv[++i];
    else if (a.startsWith("--data=")) out.data = a.slice("--data=".length);
    else if (a === "--help" || a === "-h") {
      process.stderr.write("usage: npm run eval:taskbench -- [--data <folder>]\n");
      process.exit(0);
    } else if (a !== "--") {
      process.stderr.write(`unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const dir = args.data
    ? path.resolve(process.cwd(), args.data)
    : process.env.TRELLIS_TASKBENCH_DIR
      ? path.resolve(process.cwd(), process.env.TRELLIS_TASKBENCH_DIR)
      : path.resolve(repoRoot(), "../shared/data/taskbench");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`TaskBench data folder not found: ${dir}\nPass --data <folder> (a folder with one subfolder per set, each holding tool_desc.json and gold.jsonl).\n`);
    process.exit(1);
  }
  process.stderr.write(`evaluating ${dir}\n`);
  for await (const line of evaluateFolder(dir, { log: (m) => process.stderr.write(`${m}\n`) })) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
