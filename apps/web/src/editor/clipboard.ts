import type { TaskDefinition } from "@shoal/core";
import { newTaskCode } from "./codes";
import { makeEdge, normalizeTask } from "./from-definition";
import type { XY } from "./layout";
import type { DagEdge, TaskNode } from "./types";

/** Marks what Shoal put on the clipboard; pasting also accepts a whole exported workflow. */
export const FRAGMENT_KIND = "shoal/tasks";

export interface Fragment {
  kind: typeof FRAGMENT_KIND;
  tasks: TaskDefinition[];
  edges: Array<{ from: string; to: string }>;
  layout: Record<string, XY>;
}

/** The selected tasks and the edges among them, in the portable format. */
export function copyFragment(nodes: readonly TaskNode[], edges: readonly DagEdge[]): Fragment {
  const picked = nodes.filter((n) => n.selected);
  const codes = new Set(picked.map((n) => n.id));
  const layout: Record<string, XY> = {};
  for (const n of picked)
    layout[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
  return {
    kind: FRAGMENT_KIND,
    tasks: picked.map((n) => ({ ...n.data.task, code: n.id })),
    edges: edges
      .filter((e) => codes.has(e.source) && codes.has(e.target))
      .map((e) => ({ from: e.source, to: e.target })),
    layout,
  };
}

export class PasteError extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Replaces every string that is exactly a copied task's code (conditions, switch branches). */
function remapCodes(value: unknown, codes: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") return codes.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => remapCodes(v, codes));
  if (isObj(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remapCodes(v, codes)]));
  return value;
}

function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  const base = name.replace(/-copy(-\d+)?$/, "");
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${base}-copy` : `${base}-copy-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Clipboard text → new canvas nodes and edges: fresh codes, names made unique against `existing`,
 * positions keeping their arrangement but moved by `offset` (or, when the text has no layout, in a
 * row starting at `offset`). Throws PasteError, saying why, when the text is no task fragment.
 */
export function pasteFragment(
  text: string,
  existing: readonly TaskNode[],
  offset: XY,
): { nodes: TaskNode[]; edges: DagEdge[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PasteError("The clipboard holds no Shoal tasks (it is not JSON).");
  }
  if (!isObj(parsed) || !Array.isArray(parsed.tasks))
    throw new PasteError('The clipboard JSON has no "tasks" list to paste.');
  if (parsed.tasks.length === 0) throw new PasteError("The clipboard holds no tasks.");

  const takenCodes = new Set(existing.map((n) => n.id));
  const takenNames = new Set(existing.map((n) => n.data.task.name));
  const scratch = new Set<string>();
  const sources = parsed.tasks.map((t) => normalizeTask(t, scratch));
  const codeMap = new Map<string, string>();
  for (const t of sources) {
    const code = newTaskCode(takenCodes);
    takenCodes.add(code);
    codeMap.set(t.code, code);
  }
  const layout = isObj(parsed.layout) ? parsed.layout : {};
  const positioned = sources.filter((t) => isObj(layout[t.code]));
  const minX = Math.min(...positioned.map((t) => Number((layout[t.code] as XY).x) || 0));
  const minY = Math.min(...positioned.map((t) => Number((layout[t.code] as XY).y) || 0));

  const nodes: TaskNode[] = sources.map((t, i) => {
    const code = codeMap.get(t.code)!;
    const name = uniqueName(t.name, takenNames);
    takenNames.add(name);
    const p = layout[t.code];
    const position = isObj(p)
      ? { x: offset.x + (Number(p.x) || 0) - minX, y: offset.y + (Number(p.y) || 0) - minY }
      : { x: offset.x + i * 220, y: offset.y };
    const task: TaskDefinition = {
      ...t,
      code,
      name,
      params: remapCodes(t.params, codeMap) as Record<string, unknown>,
    };
    return { id: code, type: "task", position, data: { task }, selected: true };
  });
  const seen = new Set<string>();
  const edges: DagEdge[] = [];
  for (const e of Array.isArray(parsed.edges) ? parsed.edges : []) {
    if (!isObj(e)) continue;
    const from = codeMap.get(String(e.from));
    const to = codeMap.get(String(e.to));
    if (!from || !to || from === to || seen.has(`${from}>${to}`)) continue;
    seen.add(`${from}>${to}`);
    edges.push(makeEdge(from, to));
  }
  return { nodes, edges };
}
