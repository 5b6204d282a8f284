// Flat config: typed typescript-eslint rules plus the import boundaries of STYLE.md ("Module boundaries").
import { builtinModules } from "node:module";
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

const DEEP = {
  group: ["@shoal/*/src", "@shoal/*/src/**"],
  message: "Import a package through its entry point or an `exports` subpath, never @shoal/*/src/*.",
};
const APPS = {
  regex: String.raw`^@shoal/(web|master|worker)(/|$)|^(\.\./)+(apps/)?(web|master|worker)/(src|app)(/|$)|^(\.\./)+apps(/|$)`,
  message: "Apps are deployed separately: packages and other apps must not import an app.",
};
const NODE = [
  ...builtinModules.filter((m) => !m.startsWith("_")).map((name) => ({
    name,
    message: "packages/core is pure: no Node built-ins (take what you need as an argument).",
  })),
];
const mod = (names, message) => ({ group: names, message });

/** no-restricted-imports for some folders; DEEP always applies because a later block replaces an earlier one. */
const restrict = (files, patterns, paths = [], ignores = []) => ({
  files,
  ignores,
  rules: { "no-restricted-imports": ["error", { paths, patterns: [DEEP, ...patterns] }] },
});

export default defineConfig(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      "**/.turbo/**",
      ".data/**",
      "**/dist/**",
      "**/coverage/**",
      "**/test-results/**",
      "**/playwright-report/**",
      "packages/db/drizzle/**",
      "bench/out/**",
      "**/next-env.d.ts",
      // Only TypeScript is linted; the few JS files are config and bootstrap scripts.
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // drizzle and tRPC inference produce `any` at a few edges; these are noise there, not bugs.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/require-await": "off",
      // Selecting actions out of a zustand store (`useEditor((s) => s.addTask)`) is the library's idiom.
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
      "no-restricted-imports": ["error", { patterns: [DEEP] }],
    },
  },

  // One validated env.ts per app (main.ts may hand it process.env); everything else gets its configuration as arguments (STYLE.md).
  {
    files: ["apps/*/src/**/*.{ts,tsx}", "packages/*/src/**/*.{ts,tsx}"],
    ignores: ["**/env.ts", "apps/*/src/main.ts", "**/*.test.ts", "**/testing.ts", "**/testing/**", "**/*-cli.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration in the app's env.ts (zod-parsed) and pass it in." },
      ],
    },
  },

  // ---- import boundaries -------------------------------------------------------------------
  restrict(
    ["packages/core/**/*.{ts,tsx}"],
    [
      mod(["node:*"], "packages/core is pure: no Node built-ins (take what you need as an argument)."),
      mod(["@shoal/*"], "packages/core imports no other Shoal package."),
      mod(["drizzle-orm", "drizzle-orm/*", "postgres", "pg", "bullmq", "ioredis"], "packages/core does no I/O: no database or queue clients."),
      mod(["react", "react/*", "react-dom", "react-dom/*", "next", "next/*"], "packages/core is framework-free: no React or Next."),
      APPS,
    ],
    NODE,
  ),
  restrict(
    ["packages/protocol/src/**/*.{ts,tsx}"],
    [
      mod(["bullmq", "bullmq/*", "ioredis", "ioredis/*"], "Only packages/protocol/src/bullmq.ts (the ./bullmq subpath) may import bullmq or ioredis."),
      mod(["@shoal/db", "@shoal/db/*", "@shoal/api", "@shoal/api/*"], "packages/protocol may import only @shoal/core."),
      APPS,
    ],
    [],
    ["packages/protocol/src/bullmq.ts"],
  ),
  restrict(
    ["packages/protocol/src/bullmq.ts"],
    [mod(["@shoal/db", "@shoal/db/*", "@shoal/api", "@shoal/api/*"], "packages/protocol may import only @shoal/core."), APPS],
  ),
  restrict(
    ["packages/db/**/*.{ts,tsx}"],
    [
      mod(["@shoal/api", "@shoal/api/*", "@shoal/protocol", "@shoal/protocol/*"], "packages/db may import only @shoal/core among Shoal packages."),
      mod(["bullmq", "bullmq/*", "ioredis", "react", "react/*", "next", "next/*"], "packages/db is the database layer: no queue or UI code."),
      APPS,
    ],
  ),
  restrict(
    ["packages/api/**/*.{ts,tsx}"],
    [mod(["react", "react/*", "react-dom", "react-dom/*", "next", "next/*"], "packages/api is UI-free: no React or Next."), APPS],
  ),
  restrict(
    ["apps/web/**/*.{ts,tsx}"],
    [{ ...APPS, regex: String.raw`^@shoal/(master|worker)(/|$)|^(\.\./)+(apps/)?(master|worker)/(src|app)(/|$)|^(\.\./)+apps(/|$)` }],
  ),
  restrict(
    ["apps/master/**/*.{ts,tsx}"],
    [{ ...APPS, regex: String.raw`^@shoal/(web|worker)(/|$)|^(\.\./)+(apps/)?(web|worker)/(src|app)(/|$)|^(\.\./)+apps(/|$)` }],
  ),
  restrict(
    ["apps/worker/**/*.{ts,tsx}"],
    [{ ...APPS, regex: String.raw`^@shoal/(web|master)(/|$)|^(\.\./)+(apps/)?(web|master)/(src|app)(/|$)|^(\.\./)+apps(/|$)` }],
  ),
  // e2e drives the apps over HTTP only.
  restrict(["e2e/**/*.ts"], [APPS]),
);
