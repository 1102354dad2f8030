import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "lib/store/generated/", "test-results/", "playwright-report/", ".data/", "next-env.d.ts"] },
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    // The product does not import lib/taskbench (an evaluation harness) or test support (tests/support).
    files: ["lib/**/*.ts", "app/**/*.ts", "app/**/*.tsx", "components/**/*.ts", "components/**/*.tsx"],
    ignores: ["lib/taskbench/**", "**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/taskbench/*", "@/lib/taskbench/*", "**/tests/*", "@/tests/*"] }],
    },
  },
  {
    // lib/core runs in the browser and the server alike: no framework, database or Node I/O.
    files: ["lib/core/**/*.ts"],
    ignores: ["lib/core/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["next", "next/*", "react", "react-dom", "@prisma/*", "node:*", "fs", "path", "pg", "@electric-sql/*", "../store/*", "../server/*", "../engine/*", "**/taskbench/*", "**/tests/*", "@/tests/*"] }],
    },
  },
  {
    // lib/contract (the API's schemas, operations, SSE framing, client) is pure too: it may use
    // lib/core and the pure schema modules of the planner and templates, nothing with I/O.
    files: ["lib/contract/**/*.ts"],
    ignores: ["lib/contract/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["next", "next/*", "react", "react-dom", "@prisma/*", "node:*", "fs", "path", "pg", "@electric-sql/*", "../store/*", "../server/*", "../engine/*", "../cli/*", "../llm/*", "../actions/*", "@/lib/store/*", "@/lib/server/*", "@/lib/engine/*", "**/taskbench/*", "@/lib/taskbench/*", "**/tests/*", "@/tests/*"] }],
    },
  },
);
