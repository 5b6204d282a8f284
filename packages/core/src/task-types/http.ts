import { z } from "zod";
import type { Result } from "../errors";
import { parseJsonPath } from "./json-path";
import type { TaskTypeDefinition } from "./types";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/** A status matcher: an exact code or an inclusive range (`2xx` is 200–299). */
export type StatusRange = readonly [number, number];

/**
 * Parses an expected-status list such as `2xx`, `200,201`, `200-299` or `2xx, 304`.
 * Returns the ranges, or a message saying which entry is wrong.
 */
export function parseExpectedStatus(spec: string): Result<StatusRange[], string> {
  const ranges: StatusRange[] = [];
  for (const raw of spec.split(",")) {
    const part = raw.trim().toLowerCase();
    let m: RegExpExecArray | null;
    if ((m = /^([1-5])xx$/.exec(part))) ranges.push([Number(m[1]) * 100, Number(m[1]) * 100 + 99]);
    else if ((m = /^(\d{3})$/.exec(part))) ranges.push([Number(m[1]), Number(m[1])]);
    else if ((m = /^(\d{3})\s*-\s*(\d{3})$/.exec(part)) && Number(m[1]) <= Number(m[2]))
      ranges.push([Number(m[1]), Number(m[2])]);
    else
      return {
        ok: false,
        error: `"${raw.trim()}" is not a status code, a range like 200-299 or a class like 2xx`,
      };
  }
  return { ok: true, value: ranges };
}

export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

const JsonPath = z
  .string()
  .max(500)
  .superRefine((path, ctx) => {
    const parsed = parseJsonPath(path);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: `invalid JSON path ${parsed.error}` });
  });

const ParamName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/,
    "a param name is letters, digits, _ or . and starts with a letter or _",
  );

/** A condition the response body must meet for the task to succeed. */
export const HttpCheckSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("contains"), value: z.string().min(1, "value is required") }),
  z.object({ type: z.literal("notContains"), value: z.string().min(1, "value is required") }),
  /** The value at `path` of the JSON body, as param text (strings as is, else JSON), equals `value`. */
  z.object({ type: z.literal("jsonPathEquals"), path: JsonPath, value: z.string() }),
]);
export type HttpCheck = z.infer<typeof HttpCheckSchema>;

export const HttpParamsSchema = z.object({
  method: z.enum(HTTP_METHODS).default("GET"),
  url: z.string().trim().min(1, "url is required").max(8_000),
  /** Header name → value; values may use ${params}. */
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "not a valid header name"),
      z.string().max(16_000),
    )
    .default({})
    .describe('JSON object of header name → value, e.g. {"Authorization": "Bearer ${token}"}'),
  body: z.string().max(1_000_000).optional(),
  expectedStatus: z
    .string()
    .default("2xx")
    .superRefine((spec, ctx) => {
      const parsed = parseExpectedStatus(spec);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
    })
    .describe("Status codes that count as success: 2xx, 200, 200-299, comma separated"),
  checks: z
    .array(HttpCheckSchema)
    .max(50)
    .default([])
    .describe(
      'Body checks, e.g. [{"type":"contains","value":"ok"}, {"type":"jsonPathEquals","path":"$.status","value":"UP"}]',
    ),
  /** Each entry sets an OUT param from the response body (the whole body when `path` is omitted). */
  outParams: z
    .array(z.object({ name: ParamName, path: JsonPath.optional() }))
    .max(50)
    .default([])
    .describe(
      'OUT params from the response, e.g. [{"name":"id","path":"$.data.id"}, {"name":"raw"}] (no path: the whole body)',
    ),
  timeoutSeconds: z.number().int().min(1).max(3600).default(30),
});
export type HttpParams = z.infer<typeof HttpParamsSchema>;

export const httpTaskType: TaskTypeDefinition<typeof HttpParamsSchema> = {
  type: "http",
  label: "HTTP",
  category: "general",
  description:
    "Sends an HTTP request; succeeds on an expected status and passing body checks, and can set OUT params from the response.",
  runtime: "worker",
  paramsSchema: HttpParamsSchema,
  defaults: {
    method: "GET",
    url: "https://example.com/",
    headers: {},
    expectedStatus: "2xx",
    checks: [],
    outParams: [],
    timeoutSeconds: 30,
  },
};
