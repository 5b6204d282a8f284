import type { SqlDialect, SqlPiece } from "@shoal/core";
import type { SqlStatementPreview } from "./preview";

const DIALECT: Record<SqlDialect, string> = { postgresql: "PostgreSQL", mysql: "MySQL" };

/** `$1`, or `?1` for MySQL's numberless `?` (as the task log names them). */
function valueLabel(dialect: SqlDialect, n: number): string {
  return dialect === "mysql" ? `?${n}` : `$${n}`;
}

/**
 * A sql task's statement as it will run: the text sent to the database with its placeholders marked,
 * `!{}` substitutions marked as pasted-in text, and the values bound to the placeholders below it.
 */
export function SqlStatement({ preview }: { preview: SqlStatementPreview }) {
  const { dialect, datasource, pieces } = preview;
  const binds = pieces.filter((p): p is Extract<SqlPiece, { kind: "bind" }> => p.kind === "bind");
  const pasted = pieces.some((p) => p.kind === "text");
  let n = 0;
  return (
    <div className="space-y-1.5">
      <p className="text-[11px] text-slate-500" data-testid="sql-preview-dialect">
        {datasource
          ? `As sent to ${datasource} (${DIALECT[dialect]}):`
          : `As sent, ${DIALECT[dialect]} style (the data source's type is not known):`}
      </p>
      <pre
        data-testid="sql-preview-statement"
        className="max-h-40 overflow-auto whitespace-pre-wrap rounded bg-slate-50 px-2 py-1 font-mono text-[11px] text-slate-800 ring-1 ring-slate-200"
      >
        {pieces.map((p, i) => {
          if (p.kind === "sql") return p.text;
          if (p.kind === "text")
            return (
              <mark
                key={i}
                data-kind="text"
                title={`${p.reference}: pasted into the statement as text, not bound`}
                className="rounded-sm bg-amber-100 text-amber-900 underline decoration-amber-500 decoration-dotted underline-offset-2"
              >
                {p.value}
              </mark>
            );
          n += 1;
          const [, lead = "", ph = "", trail = ""] = /^(\s*)(.*?)(\s*)$/.exec(p.placeholder) ?? [];
          return (
            <span key={i}>
              {lead}
              <mark
                data-kind="bind"
                title={`${valueLabel(dialect, n)} = ${JSON.stringify(p.value)} (from ${p.reference}), bound apart`}
                className="rounded-sm bg-sky-100 px-0.5 font-semibold text-sky-800"
              >
                {ph}
                {dialect === "mysql" && <sub aria-hidden>{n}</sub>}
              </mark>
              {trail}
            </span>
          );
        })}
      </pre>
      {binds.length > 0 ? (
        <table className="w-full text-[11px]" data-testid="sql-preview-values">
          <caption className="pb-0.5 text-left text-[11px] text-slate-500">
            Bound values, sent apart from the statement:
          </caption>
          <tbody>
            {binds.map((b, i) => (
              <tr key={i} className="align-baseline">
                <th scope="row" className="w-8 pr-2 text-left font-mono font-semibold text-sky-800">
                  {valueLabel(dialect, i + 1)}
                </th>
                <td className="break-all font-mono text-slate-800">{JSON.stringify(b.value)}</td>
                <td className="pl-2 text-right font-mono whitespace-nowrap text-slate-400">
                  {b.reference}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-[11px] text-slate-400">No bound values.</p>
      )}
      {pasted && (
        <p className="text-[11px] text-amber-800">
          <mark className="rounded-sm bg-amber-100 px-0.5 text-amber-900">Marked</mark> text comes
          from <code>!{"{…}"}</code>: pasted in as text, not bound — only for values you trust.
        </p>
      )}
    </div>
  );
}
