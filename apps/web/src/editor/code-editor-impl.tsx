"use client";

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  StreamLanguage,
  syntaxHighlighting,
} from "@codemirror/language";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  placeholder as placeholderExt,
} from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { CodeEditorProps, CodeLanguage } from "./code-editor";

function languageExtension(language: CodeLanguage): Extension {
  switch (language) {
    case "python":
      return python();
    case "sql":
      return sql({ dialect: PostgreSQL });
    case "shell":
      return StreamLanguage.define(shell);
    default:
      return [];
  }
}

const theme = EditorView.theme({
  "&": { fontSize: "12px", backgroundColor: "white" },
  "&.cm-focused": { outline: "none" },
  ".cm-content": { fontFamily: "var(--font-mono, ui-monospace, monospace)", padding: "6px 0" },
  ".cm-gutters": { backgroundColor: "#f8fafc", color: "#94a3b8", borderRight: "1px solid #e2e8f0" },
  ".cm-scroller": { minHeight: "10rem", maxHeight: "28rem", overflow: "auto" },
});

/** CodeMirror 6 bound to a string: edits flow out through onChange, outside changes flow in. */
export default function CodeEditorImpl({
  id,
  value,
  onChange,
  onBlur,
  language,
  testId,
  readOnly,
  invalid,
  placeholder,
  ariaLabel,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const lang = useRef(new Compartment());
  const editable = useRef(new Compartment());
  const callbacks = useRef({ onChange, onBlur });
  callbacks.current = { onChange, onBlur };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          lang.current.of(languageExtension(language)),
          editable.current.of([
            EditorState.readOnly.of(!!readOnly),
            EditorView.editable.of(!readOnly),
          ]),
          placeholder ? placeholderExt(placeholder) : [],
          theme,
          EditorView.contentAttributes.of({
            ...(testId ? { "data-testid": testId } : {}),
            ...(id ? { id } : {}),
            ...(ariaLabel ? { "aria-label": ariaLabel } : {}),
            "data-language": language,
          }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
            if (u.focusChanged && !u.view.hasFocus) callbacks.current.onBlur?.();
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The view is created once; the effects below keep it in step with the props.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: lang.current.reconfigure(languageExtension(language)) });
  }, [language]);

  useEffect(() => {
    view.current?.dispatch({
      effects: editable.current.reconfigure([
        EditorState.readOnly.of(!!readOnly),
        EditorView.editable.of(!readOnly),
      ]),
    });
  }, [readOnly]);

  return (
    <div
      ref={host}
      data-testid={testId ? `${testId}-editor` : undefined}
      className={
        "nodrag overflow-hidden rounded-md border shadow-xs focus-within:border-sky-500 focus-within:ring-2 focus-within:ring-sky-500/30 " +
        (invalid ? "border-red-400" : "border-slate-300")
      }
    />
  );
}
