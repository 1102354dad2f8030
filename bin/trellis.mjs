#!/usr/bin/env node
// The `trellis` command. It runs the CLI's TypeScript (lib/cli/main.ts) through tsx's loader,
// so a fresh clone works after `npm install` with no build step. The CLI runs from the
// repository folder (the app finds its migrations and sample data there) and is told the folder
// it was started in, against which it resolves the paths it is given.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const startedIn = process.cwd();
process.chdir(root);
register({ tsconfig: path.join(root, "tsconfig.json") });

const { main } = await import(pathToFileURL(path.join(root, "lib", "cli", "main.ts")).href);
const code = await main(process.argv.slice(2), { cwd: startedIn });
process.exit(code);
