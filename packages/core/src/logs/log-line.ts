/**
 * The stored form of one task log line, shared by the worker (writes), the API (pages, searches,
 * downloads) and the viewer (shows): `<ISO-8601 time><flags>\t<text>`, where the time is always 24
 * characters (`2026-01-02T03:04:05.678Z`) and `flags` is a possibly empty set of letters:
 *
 * - `s` written by Shoal (exit code, kill notice), not by the task: left out of the raw download;
 * - `2` the task wrote it to stderr (otherwise stdout);
 * - `c` continued: the task's line goes on in the next stored line of the same stream (no newline
 *   here), because it was longer than the longest stored line;
 * - `n` the task's output ended here without a final newline;
 * - `e` the text is escaped (`\\` for a backslash, `\0` for NUL) because it held NUL bytes, which
 *   Postgres text cannot store.
 *
 * The task's raw output is therefore the concatenation, over its non-`s` lines, of
 * `text + (c or n ? "" : "\n")`. Lines never contain `\n`.
 */
export interface LogLine {
  /** ISO-8601 time the worker read the line, or null for a line not in this form. */
  time: string | null;
  text: string;
  system: boolean;
  stderr: boolean;
  /** No newline follows `text` in the task's output (`c` or `n`). */
  noNewline: boolean;
  /** Split because it was too long: the next stored line of the same stream continues it. */
  continued: boolean;
}

/** Longest text kept in one stored line (UTF-16 code units); longer output continues on the next. */
export const MAX_LOG_LINE = 64 * 1024;

const TIME_LEN = 24;

export type LineEnd = "newline" | "continued" | "none";

export interface EncodeLogLineOptions {
  time: Date;
  text: string;
  stderr?: boolean;
  system?: boolean;
  end?: LineEnd;
}

/** `text` must not contain `\n` (callers split on it first). */
export function encodeLogLine(o: EncodeLogLineOptions): string {
  let flags = "";
  if (o.system) flags += "s";
  if (o.stderr) flags += "2";
  if (o.end === "continued") flags += "c";
  else if (o.end === "none") flags += "n";
  let text = o.text;
  if (text.includes("\0")) {
    flags += "e";
    text = text.replace(/\\/g, "\\\\").replace(/\0/g, "\\0");
  }
  return `${o.time.toISOString()}${flags}\t${text}`;
}

function unescape(text: string): string {
  return text.replace(/\\(\\|0)/g, (_, c: string) => (c === "0" ? "\0" : "\\"));
}

/** Parses a stored line; anything not in the stored form is plain stdout text with a newline. */
export function decodeLogLine(line: string): LogLine {
  const tab = line.indexOf("\t", TIME_LEN);
  if (tab < TIME_LEN || tab > TIME_LEN + 5 || line[TIME_LEN - 1] !== "Z" || line[10] !== "T") {
    return {
      time: null,
      text: line,
      system: false,
      stderr: false,
      noNewline: false,
      continued: false,
    };
  }
  const flags = line.slice(TIME_LEN, tab);
  const raw = line.slice(tab + 1);
  const continued = flags.includes("c");
  return {
    time: line.slice(0, TIME_LEN),
    text: flags.includes("e") ? unescape(raw) : raw,
    system: flags.includes("s"),
    stderr: flags.includes("2"),
    continued,
    noNewline: continued || flags.includes("n"),
  };
}

/** What the task wrote for this stored line (text plus its newline), or null for Shoal's own lines. */
export function rawLogText(line: string): string | null {
  const l = decodeLogLine(line);
  if (l.system) return null;
  return l.noNewline ? l.text : `${l.text}\n`;
}

/**
 * Where to cut `text` so the first part is at most `max` code units and no surrogate pair is split
 * (a split pair would turn into two replacement characters once encoded as UTF-8).
 */
export function safeCut(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const c = text.charCodeAt(max - 1);
  return c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
}
