/**
 * `npm test`: lint → typecheck → unit → (own Postgres + Redis + MariaDB) int → web build → e2e, stopping at the
 * first failure, always stopping what it started, and ending with one summary line.
 *   node scripts/test.mjs [--only lint|typecheck|unit|int|e2e] [-- extra args for vitest/playwright]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getFreePort } from "./lib/free-port.ts";
import { startMariadb, type MariadbServer } from "./lib/mariadb.ts";
import { startEmbeddedPostgres, redactUrl, type PostgresServer } from "./lib/postgres.ts";
import { ROOT } from "./lib/processes.ts";
import {
  REDIS_MISSING_MESSAGE,
  hasRedisServer,
  startRedis,
  type RedisServer,
} from "./lib/redis.ts";

const STAGES = ["lint", "typecheck", "unit", "int", "e2e"] as const;
type Stage = (typeof STAGES)[number];

const argv = process.argv.slice(2);
const dashDash = argv.indexOf("--");
const ownArgs = dashDash >= 0 ? argv.slice(0, dashDash) : argv;
const passThrough = dashDash >= 0 ? argv.slice(dashDash + 1) : [];
let only: Stage | undefined;
for (let i = 0; i < ownArgs.length; i++) {
  const a = ownArgs[i]!;
  const value = a === "--only" ? ownArgs[++i] : a.startsWith("--only=") ? a.slice(7) : undefined;
  if (value === undefined) {
    console.error(
      `unknown argument "${a}"; usage: npm test [-- --only ${STAGES.join("|")}] [-- extra args]`,
    );
    process.exit(2);
  }
  if (!(STAGES as readonly string[]).includes(value)) {
    console.error(`--only takes one of ${STAGES.join(", ")}; got "${value}"`);
    process.exit(2);
  }
  only = value as Stage;
}
const selected = (s: Stage) => only === undefined || only === s;

const tmp = mkdtempSync(path.join(os.tmpdir(), "shoal-test-"));
const results = new Map<Stage, string>();
let current: ChildProcess | undefined;
let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;
let mariadb: MariadbServer | undefined;
let interrupted = false;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  console.log(`\n> ${command} ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    current = child;
    child.on("error", (e) => {
      console.error(`${command}: ${e.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => {
      current = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** Tests that never finished (a crashed or hung worker). */
  unfinished?: number;
}

function vitestCounts(file: string): Counts | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, "utf8")) as {
    numTotalTests: number;
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests?: number;
    numTodoTests?: number;
  };
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  const unfinished = Math.max(0, r.numTotalTests - r.numPassedTests - r.numFailedTests - skipped);
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped, unfinished };
}

function playwrightCounts(file: string): Counts | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, "utf8")) as {
    stats?: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  if (!r.stats) return undefined;
  return {
    passed: r.stats.expected + r.stats.flaky,
    failed: r.stats.unexpected,
    skipped: r.stats.skipped,
  };
}

function fmt(c: Counts | undefined, code: number): string {
  if (!c) return code === 0 ? "ok" : `failed (exit ${code})`;
  let text = `${c.passed} passed, ${c.failed} failed`;
  if (c.skipped) text += `, ${c.skipped} skipped`;
  if (c.unfinished) text += `, ${c.unfinished} not finished`;
  // e.g. an unhandled error or a crashed worker: the counts alone would look green.
  if (code !== 0 && c.failed === 0) text += ` (exit ${code})`;
  return text;
}

async function vitest(project: "unit" | "int", env: NodeJS.ProcessEnv = {}): Promise<number> {
  const out = path.join(tmp, `${project}.json`);
  const code = await run(
    "npx",
    [
      "vitest",
      "run",
      "--project",
      project,
      "--passWithNoTests",
      "--reporter=default",
      "--reporter=json",
      `--outputFile=${out}`,
      ...passThrough,
    ],
    env,
  );
  results.set(project, interrupted ? "interrupted" : fmt(vitestCounts(out), code));
  return code;
}

async function services(): Promise<NodeJS.ProcessEnv> {
  let databaseUrl = process.env.SHOAL_TEST_DATABASE_URL;
  if (databaseUrl) {
    console.log(`Postgres for tests: ${redactUrl(databaseUrl)} (SHOAL_TEST_DATABASE_URL)`);
  } else {
    const port = await getFreePort();
    console.log(`Starting a throwaway Postgres on port ${port} in ${tmp}/pg…`);
    pg = await startEmbeddedPostgres({ dir: path.join(tmp, "pg"), port });
    databaseUrl = pg.url("postgres");
  }
  let redisUrl = process.env.SHOAL_TEST_REDIS_URL;
  if (redisUrl) {
    console.log(`Redis for tests: ${redactUrl(redisUrl)} (SHOAL_TEST_REDIS_URL)`);
  } else {
    if (!hasRedisServer()) throw new Error(REDIS_MISSING_MESSAGE);
    const port = await getFreePort();
    console.log(`Starting a throwaway redis-server on port ${port}…`);
    redis = await startRedis({ dir: path.join(tmp, "redis"), port, persist: false });
    redisUrl = redis.url;
  }
  let mysqlUrl = process.env.SHOAL_TEST_MYSQL_URL;
  if (mysqlUrl) {
    console.log(`MySQL for tests: ${redactUrl(mysqlUrl)} (SHOAL_TEST_MYSQL_URL)`);
  } else if (selected("int")) {
    const port = await getFreePort();
    console.log(`Starting a throwaway MariaDB on port ${port}…`);
    mariadb = await startMariadb({ dir: path.join(tmp, "mariadb"), port });
    mysqlUrl = mariadb.url;
  }
  // DATABASE_URL is deliberately not passed on: tests create their own databases on this server.
  return {
    SHOAL_TEST_DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    SHOAL_TEST_MYSQL_URL: mysqlUrl,
    DATABASE_URL: undefined,
  };
}

async function cleanup(): Promise<void> {
  const report = (e: unknown) => console.error(String(e));
  await Promise.all([
    redis?.stop().catch(report),
    pg?.stop().catch(report),
    mariadb?.stop().catch(report),
  ]);
  rmSync(tmp, { recursive: true, force: true });
}

function summary(): string {
  const names: Stage[] = only ? [only] : [...STAGES];
  return names
    .map((s) => `${s}: ${results.get(s) ?? (interrupted ? "interrupted" : "not run")}`)
    .join("; ");
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.log(`\nreceived ${sig}; stopping…`);
    current?.kill(sig);
    void cleanup().finally(() => {
      console.log(`\n${summary()}`);
      process.exit(130);
    });
  });
}

async function main(): Promise<number> {
  const tools = { TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };
  if (selected("lint")) {
    if (existsSync(path.join(ROOT, "eslint.config.js"))) {
      const code = await run("npx", ["eslint", ".", "--max-warnings", "0"]);
      results.set("lint", code === 0 ? "ok" : `failed (exit ${code})`);
      if (code !== 0) return code;
    } else results.set("lint", "skipped (no eslint.config.js)");
  }
  if (selected("typecheck")) {
    let code = await run("npx", ["turbo", "run", "typecheck"], tools);
    // The root tsconfig covers scripts/ and the root config files, which no workspace owns.
    if (code === 0) code = await run("npx", ["tsc", "-p", "tsconfig.json"]);
    results.set("typecheck", code === 0 ? "ok" : `failed (exit ${code})`);
    if (code !== 0) return code;
  }
  if (selected("unit")) {
    const code = await vitest("unit");
    if (code !== 0) return code;
  }
  if (!selected("int") && !selected("e2e")) return 0;

  const env = await services();
  if (selected("int")) {
    const code = await vitest("int", env);
    if (code !== 0) return code;
  }
  if (selected("e2e")) {
    const build = await run("npx", ["turbo", "run", "build", "--filter=@shoal/web"], tools);
    if (build !== 0) {
      results.set("e2e", `web build failed (exit ${build})`);
      return build;
    }
    const out = path.join(tmp, "e2e.json");
    const code = await run(
      "npx",
      [
        "playwright",
        "test",
        "-c",
        "e2e/playwright.config.ts",
        "--reporter=list,json",
        "--pass-with-no-tests",
        ...passThrough,
      ],
      {
        ...env,
        ...tools,
        PLAYWRIGHT_JSON_OUTPUT_NAME: out,
        SHOAL_E2E_WEB_PORT: String(await getFreePort()),
      },
    );
    results.set("e2e", interrupted ? "interrupted" : fmt(playwrightCounts(out), code));
    if (code !== 0) return code;
  }
  return 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  exitCode = 1;
} finally {
  if (!interrupted) {
    await cleanup();
    console.log(`\n${summary()}`);
    process.exit(exitCode);
  }
}
