#!/usr/bin/env node
// `npm start`: install if needed, build the web app if needed, then run the stack (scripts/stack.ts).
import { buildWebIfNeeded, delegate, installIfNeeded } from "./lib/bootstrap.mjs";

installIfNeeded();
buildWebIfNeeded();
delegate("scripts/stack.ts", process.argv.slice(2));
