import Anser from "anser";
import { memo, type CSSProperties, type ReactNode } from "react";

/** Longest text drawn for a line until the user expands it. */
export const SHOWN_CHARS = 10_000;

/** What a terminal would show: the text after the last carriage return (progress bars redraw). */
export function visibleText(text: string): string {
  const t = text.endsWith("\r") ? text.slice(0, -1) : text;
  const cr = t.lastIndexOf("\r");
  return cr >= 0 ? t.slice(cr + 1) : t;
}

function style(e: Anser.AnserJsonEntry): CSSProperties | undefined {
  if (!e.fg && !e.bg && e.decorations.length === 0) return undefined;
  const s: CSSProperties = {};
  if (e.fg) s.color = `rgb(${e.fg})`;
  if (e.bg) s.backgroundColor = `rgb(${e.bg})`;
  for (const d of e.decorations) {
    if (d === "bold") s.fontWeight = 600;
    else if (d === "dim") s.opacity = 0.7;
    else if (d === "italic") s.fontStyle = "italic";
    else if (d === "underline") s.textDecoration = "underline";
    else if (d === "strikethrough") s.textDecoration = "line-through";
    else if (d === "hidden") s.visibility = "hidden";
  }
  return s;
}

/** `content` with every case-insensitive occurrence of `query` marked. */
function marked(content: string, query: string, key: number): ReactNode {
  if (!query) return content;
  const lower = content.toLowerCase();
  const q = query.toLowerCase();
  const out: ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, at)) {
    if (i > at) out.push(content.slice(at, i));
    out.push(
      <mark
        key={`${key}-${i}`}
        data-testid="log-match"
        className="rounded-sm bg-amber-300 text-slate-950"
      >
        {content.slice(i, i + q.length)}
      </mark>,
    );
    at = i + q.length;
  }
  if (out.length === 0) return content;
  if (at < content.length) out.push(content.slice(at));
  return out;
}

/**
 * Text with ANSI SGR colours drawn as styled spans (anser parses the codes to plain data; nothing is
 * ever inserted as HTML, so task output cannot inject markup) and search matches marked.
 */
export const AnsiText = memo(function AnsiText({ text, query }: { text: string; query: string }) {
  if (!text.includes("\x1b")) return <>{marked(text, query, 0)}</>;
  const entries = Anser.ansiToJson(text, { json: true, remove_empty: true });
  return (
    <>
      {entries.map((e, i) => (
        <span key={i} style={style(e)}>
          {marked(e.content, query, i)}
        </span>
      ))}
    </>
  );
});
