#!/usr/bin/env node
// `npm test`: install if needed, then lint, typecheck, unit, int and e2e (scripts/test-run.ts).
//   npm test -- --only unit|int|e2e        one stage (services still provided)
//   npm test -- --only unit -- -t "dag"    extra args after a second `--` go to vitest/playwright
import { delegate, installIfNeeded } from "./lib/bootstrap.mjs";

installIfNeeded();
delegate("scripts/test-run.ts", process.argv.slice(2));
