import type { Result } from "../errors";

/** One step of a parsed path: an object key or an array index. */
export type JsonPathSegment = string | number;

/**
 * Parses a small, eval-free subset of JSONPath: an optional leading `$`, then `.key`, `[0]` and
 * `["key"]` steps, e.g. `$.data.items[0].id` or `data["a key"]`. An empty path (or `$`) is the
 * whole document. `$[...]` is refused because Shoal reads `$[...]` as a time expression in params.
 */
export function parseJsonPath(path: string): Result<JsonPathSegment[], string> {
  const text = path.trim();
  const segments: JsonPathSegment[] = [];
  let i = 0;
  if (text.startsWith("$["))
    return {
      ok: false,
      error: `"${path}": write $.key or key[0], not $[...] (that is a time expression)`,
    };
  if (text.startsWith("$")) i = 1;
  else if (text.length > 0 && text[0] !== "[") {
    // A bare leading key: `data.items[0]`.
    const m = /^[^.[\]]+/.exec(text);
    if (!m) return { ok: false, error: `"${path}": expected a key at position 1` };
    segments.push(m[0]);
    i = m[0].length;
  }
  while (i < text.length) {
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]"]+)/.exec(rest))) segments.push(m[1]!);
    else if ((m = /^\[(\d+)\]/.exec(rest))) segments.push(Number(m[1]));
    else if ((m = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest)))
      segments.push(JSON.parse(`"${m[1]!}"`) as string);
    else if ((m = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest)))
      segments.push(m[1]!.replace(/\\(.)/g, "$1"));
    else
      return {
        ok: false,
        error: `"${path}": unexpected "${rest.slice(0, 10)}" at position ${i + 1}`,
      };
    i += m[0].length;
  }
  return { ok: true, value: segments };
}

/** Follows `segments` into `doc`; `found: false` when a step is missing or steps into a non-container. */
export function readJsonPath(
  doc: unknown,
  segments: readonly JsonPathSegment[],
): { found: true; value: unknown } | { found: false } {
  let cur: unknown = doc;
  for (const seg of segments) {
    if (typeof seg === "number") {
      if (!Array.isArray(cur) || seg >= cur.length) return { found: false };
      cur = cur[seg];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, seg))
        return { found: false };
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}

/** How a JSON value becomes a param's text: strings as they are, everything else as JSON. */
export function jsonValueToParam(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}
