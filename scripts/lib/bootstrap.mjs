// Shared by start.mjs and test.mjs. Plain Node, no dependencies: it runs before `npm ci`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const TOOL_ENV = { TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function run(command, args, env = {}) {
  console.log(`> ${command} ${args.join(" ")}`);
  const r = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...TOOL_ENV, ...env } });
  if (r.status !== 0) {
    console.error(`\`${command} ${args.join(" ")}\` failed (${r.error?.message ?? `exit code ${r.status}`})`);
    process.exit(r.status || 1);
  }
}

/** `npm ci` when node_modules is missing or package-lock.json changed since the last install. */
export function installIfNeeded() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Shoal needs Node >= 20.19 (this is ${process.version}).`);
    process.exit(1);
  }
  const marker = path.join(ROOT, "node_modules/.shoal-installed");
  const lock = path.join(ROOT, "package-lock.json");
  // npm's own record of the last install counts too, so an `npm install` done by hand is not redone.
  const installedAt = Math.max(mtime(marker), mtime(path.join(ROOT, "node_modules/.package-lock.json")));
  if (existsSync(path.join(ROOT, "node_modules")) && installedAt >= mtime(lock)) {
    if (!existsSync(marker)) writeFileSync(marker, "");
    return;
  }
  console.log("Installing dependencies…");
  run("npm", existsSync(lock) ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"]);
  writeFileSync(marker, new Date().toISOString());
}

const SKIP = new Set(["node_modules", ".next", ".turbo", "test-results", "playwright-report", "coverage"]);

function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds apps/web when .next/BUILD_ID is missing or older than any source it is built from. */
export function buildWebIfNeeded({ force = false } = {}) {
  const buildId = path.join(ROOT, "apps/web/.next/BUILD_ID");
  const sources = ["apps/web", "packages/api", "packages/core", "packages/db", "packages/protocol"];
  const newest = Math.max(...sources.map((d) => newestMtime(path.join(ROOT, d))));
  if (!force && existsSync(buildId) && mtime(buildId) >= newest) return;
  console.log(existsSync(buildId) ? "Sources changed since the last web build; rebuilding…" : "Building the web app…");
  run("npx", ["turbo", "run", "build", "--filter=@shoal/web"]);
}

/** Runs `node --import tsx <script> ...args` with inherited stdio, forwarding signals; exits with its code. */
export function delegate(script, args = []) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...TOOL_ENV },
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    // A terminal Ctrl-C also reaches the child directly; it treats repeats as one.
    process.on(sig, () => child.kill(sig));
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
}
