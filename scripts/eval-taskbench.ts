/**
 * npm run eval:taskbench -- [--data <folder>] [--memory <folder>] [--split-memory]
 * Prints one JSON object per line (see lib/taskbench/README.md); diagnostics go to stderr. Per set:
 * gold-validity; per predictions file, predictions and repair (deterministic, no LLM call);
 * then offline-planner (the offline planner on every gold request). With --memory, the gold plans
 * of that folder's set of the same name are remembered plans, and memory-planner scores the
 * offline planner with them; --split-memory splits each set in two halves by a hash of the id,
 * remembers one half and plans the other (adding an offline-planner line on that half,
 * "split":"held-out"), both ways round; --split-memory=0 only remembers half 0 and plans half 1,
 * --split-memory=1 the other way round.
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

const USAGE = "usage: npm run eval:taskbench -- [--data <folder>] [--memory <folder>] [--split-memory[=0|1]]\n";

function parseArgs(argv: string[]): { data?: string; memory?: string; splitMemory?: boolean | 0 | 1 } {
  const out: { data?: string; memory?: string; splitMemory?: boolean | 0 | 1 } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--data") out.data = argv[++i];
    else if (a.startsWith("--data=")) out.data = a.slice("--data=".length);
    else if (a === "--memory") out.memory = argv[++i];
    else if (a.startsWith("--memory=")) out.memory = a.slice("--memory=".length);
    else if (a === "--split-memory") out.splitMemory = true;
    else if (a === "--split-memory=0" || a === "--split-memory=1") out.splitMemory = a.endsWith("1") ? 1 : 0;
    else if (a === "--help" || a === "-h") {
      process.stderr.write(USAGE);
      process.exit(0);
    } else if (a !== "--") {
      process.stderr.write(`unknown argument ${a}\n${USAGE}`);
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
  let memoryDir: string | undefined;
  if (args.memory !== undefined) {
    memoryDir = path.resolve(process.cwd(), args.memory);
    if (!args.memory || !existsSync(memoryDir) || !statSync(memoryDir).isDirectory()) {
      process.stderr.write(`memory folder not found: ${memoryDir}\nPass --memory <folder> (TaskBench sets whose gold plans are remembered).\n`);
      process.exit(1);
    }
  }
  process.stderr.write(`evaluating ${dir}${memoryDir ? ` with memory from ${memoryDir}` : ""}${args.splitMemory === true ? " (split by id, both ways)" : args.splitMemory !== undefined ? ` (split by id, remembering half ${args.splitMemory})` : ""}\n`);
  for await (const line of evaluateFolder(dir, { log: (m) => process.stderr.write(`${m}\n`), memoryDir, splitMemory: args.splitMemory })) {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
