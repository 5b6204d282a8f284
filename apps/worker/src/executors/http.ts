import {
  HttpParamsSchema,
  jsonValueToParam,
  parseExpectedStatus,
  parseJsonPath,
  readJsonPath,
  statusMatches,
} from "@shoal/core";
import type { ExecContext, ExecResult } from "./types";

/** Responses larger than this fail the task rather than fill the worker's memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** How much of the response body the task log shows. */
const LOG_BODY_CHARS = 2000;
const SENSITIVE_HEADER = /authorization|cookie|token|secret|password|api[-_]?key/i;

class HttpTaskError extends Error {}

/**
 * Sends the task's request with Node's fetch. The task's own timeout and a STOP both abort it (the
 * request and the body read). Success needs an expected status and every body check to pass.
 */
export async function runHttp(ctx: ExecContext): Promise<ExecResult> {
  const detail: Record<string, unknown> = {};
  const fail = (error: string): ExecResult => ({
    outcome: "FAILURE",
    exitCode: null,
    error: `http task "${ctx.job.taskName}": ${error}`,
    outParams: {},
    detail,
  });
  const parsed = HttpParamsSchema.safeParse(ctx.job.params);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return fail(`params.${i.path.join(".")}: ${i.message}`);
  }
  const p = parsed.data;
  let url: URL;
  try {
    url = new URL(p.url);
  } catch {
    return fail(`params.url: "${p.url}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return fail(`params.url: "${p.url}" is not an http(s) URL`);
  const ranges = parseExpectedStatus(p.expectedStatus);
  if (!ranges.ok) return fail(`params.expectedStatus: ${ranges.error}`);
  const request = `${p.method} ${url.href}`;
  Object.assign(detail, { method: p.method, url: url.href });

  const headers = new Headers(p.headers);
  const sendsBody =
    p.body !== undefined && p.body !== "" && p.method !== "GET" && p.method !== "HEAD";
  if (sendsBody && !headers.has("content-type") && isJson(p.body!))
    headers.set("content-type", "application/json");
  ctx.log(`> ${request}`);
  for (const [name, value] of headers)
    ctx.log(`> ${name}: ${SENSITIVE_HEADER.test(name) ? "***" : value}`);
  if (sendsBody) ctx.log(`> (body: ${Buffer.byteLength(p.body!)} bytes)`);

  const timeout = AbortSignal.timeout(p.timeoutSeconds * 1000);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const started = performance.now();
  let status: number;
  let body: string;
  try {
    const res = await fetch(url, {
      method: p.method,
      headers,
      body: sendsBody ? p.body : undefined,
      signal,
      redirect: "follow",
    });
    status = res.status;
    ctx.log(
      `< ${res.status} ${res.statusText} (headers after ${Math.round(performance.now() - started)} ms)`,
    );
    body = await readBody(res);
  } catch (err) {
    if (ctx.signal.aborted)
      return { outcome: "KILL", exitCode: null, error: "killed", outParams: {}, detail };
    if (timeout.aborted) return fail(`${request} timed out after ${p.timeoutSeconds} s`);
    if (err instanceof HttpTaskError) return fail(`${request}: ${err.message}`);
    return fail(`${request} failed: ${causeMessage(err)}`);
  }
  const durationMs = Math.round(performance.now() - started);
  Object.assign(detail, { status, durationMs, bytes: Buffer.byteLength(body) });
  ctx.log(`< ${Buffer.byteLength(body)} bytes in ${durationMs} ms`);
  logBody(ctx, body);

  if (!statusMatches(status, ranges.value))
    return fail(`${request} returned status ${status}, expected ${p.expectedStatus}`);

  let json: { ok: true; value: unknown } | { ok: false } | undefined;
  const asJson = () => (json ??= parseJson(body));
  for (const [i, check] of p.checks.entries()) {
    const label = `params.checks[${i}] (${check.type})`;
    switch (check.type) {
      case "contains":
        if (!body.includes(check.value))
          return fail(`${label}: the response body does not contain "${check.value}"`);
        break;
      case "notContains":
        if (body.includes(check.value))
          return fail(`${label}: the response body contains "${check.value}"`);
        break;
      case "jsonPathEquals": {
        const read = readPath(asJson(), check.path);
        if (!read.ok) return fail(`${label}: ${read.error}`);
        const actual = jsonValueToParam(read.value);
        if (actual !== check.value)
          return fail(
            `${label}: ${check.path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(check.value)}`,
          );
        break;
      }
    }
    ctx.log(`[http] check ${i + 1} passed (${check.type})`);
  }

  const outParams: Record<string, string> = {};
  for (const [i, out] of p.outParams.entries()) {
    if (out.path === undefined) {
      outParams[out.name] = body;
      continue;
    }
    const read = readPath(asJson(), out.path);
    if (!read.ok) return fail(`params.outParams[${i}] (${out.name}): ${read.error}`);
    outParams[out.name] = jsonValueToParam(read.value);
    ctx.log(`[http] OUT ${out.name} = ${truncate(outParams[out.name]!, 200)}`);
  }
  return { outcome: "SUCCESS", exitCode: null, error: null, outParams, detail };
}

function readPath(json: { ok: true; value: unknown } | { ok: false }, path: string) {
  if (!json.ok) return { ok: false as const, error: "the response body is not JSON" };
  const segments = parseJsonPath(path);
  if (!segments.ok) return { ok: false as const, error: `invalid JSON path ${segments.error}` };
  const found = readJsonPath(json.value, segments.value);
  return found.found
    ? { ok: true as const, value: found.value }
    : { ok: false as const, error: `${path} is not in the response` };
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return "";
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const chunk of res.body) {
    bytes += chunk.byteLength;
    if (bytes > MAX_BODY_BYTES) {
      await res.body.cancel().catch(() => {});
      throw new HttpTaskError(
        `the response body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`,
      );
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

function logBody(ctx: ExecContext, body: string): void {
  if (body === "") return;
  const shown = body.slice(0, LOG_BODY_CHARS);
  for (const line of shown.split("\n")) ctx.log(line);
  if (body.length > LOG_BODY_CHARS)
    ctx.log(`[http] … ${body.length - LOG_BODY_CHARS} more characters not shown`);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const isJson = (text: string) => parseJson(text).ok && /^\s*[[{]/.test(text);

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** fetch() reports network failures as `TypeError: fetch failed` with the real reason in `cause`. */
function causeMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown };
  while (e?.cause && typeof e.cause === "object") e = e.cause;
  if (e instanceof AggregateError && e.errors.length > 0) return causeMessage(e.errors[0]);
  return e?.message ?? String(err);
}
