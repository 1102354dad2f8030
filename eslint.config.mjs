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
    // lib/core and lib/contract run in the browser and the server alike: no framework, database or Node I/O.
    files: ["lib/core/**/*.ts", "lib/contract/**/*.ts"],
    ignores: ["lib/core/**/*.test.ts", "lib/contract/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["next", "next/*", "react", "react-dom", "@prisma/*", "node:*", "fs", "path", "pg", "@electric-sql/*", "../store/*", "../server/*", "../engine/*", "../planner/*", "../cli/*", "../actions/*", "../llm/*", "@/lib/server/*", "@/lib/store/*", "@/lib/engine/*"] }],
    },
  },
);
