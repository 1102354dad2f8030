/**
 * Layering the linter cannot see from one file: lib/taskbench is an evaluation harness, so no
 * product module (lib outside it, app, components; tests aside) imports it. The catalog
 * importer the product uses lives in lib/catalogs. And one convention for tests: unit tests sit
 * next to their code as *.test.ts; what tests share lives in tests/support.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

async function sources(dir: string, options: { tests?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || entry.name === "generated") continue;
      out.push(...(await sources(rel, options)));
    } else if (/\.tsx?$/.test(entry.name) && (options.tests || !/\.test\.tsx?$/.test(entry.name))) {
      out.push(rel);
    }
  }
  return out;
}

const IMPORT = /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

describe("layers", () => {
  it("the product never imports lib/taskbench", async () => {
    const files = [...(await sources("lib")), ...(await sources("app")), ...(await sources("components"))].filter((f) => !f.startsWith(`lib${path.sep}taskbench${path.sep}`));
    expect(files).toContain(path.join("lib", "server", "trellis.ts"));
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2];
        if (/(^|\/)taskbench(\/|$)/.test(spec)) offenders.push(`${file}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("shared test support lives in tests/support, not next to the product's code", async () => {
    const isHelper = (file: string) => {
      const parts = file.split(path.sep);
      const base = parts[parts.length - 1].replace(/\.tsx?$/, "");
      return parts.slice(0, -1).some((d) => ["test", "tests", "fixtures", "support"].includes(d)) || /^test-/.test(base) || ["fixtures", "support"].includes(base);
    };
    const product = [...(await sources("lib", { tests: true })), ...(await sources("app", { tests: true })), ...(await sources("components", { tests: true }))];
    expect(product.filter((f) => !/\.test\.tsx?$/.test(f) && isHelper(f))).toEqual([]);
    // Under tests/, helpers are in tests/support; a program one test starts as a child process stays with it.
    const ownPrograms = [path.join("tests", "engine", "crash-child.ts"), path.join("tests", "engine", "server-child.ts")];
    const underTests = await sources("tests", { tests: true });
    expect(underTests.filter((f) => !/\.test\.tsx?$/.test(f) && !f.startsWith(path.join("tests", "support") + path.sep) && !ownPrograms.includes(f))).toEqual([]);
  });
});
