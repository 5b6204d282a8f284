import type { Edge, Param, TaskDefinition, WorkflowDefinitionInput } from "./workflow";

/** One line of a multi-line text that differs: `-` only in the old text, `+` only in the new one. */
export interface LineChange {
  op: "+" | "-";
  /** 1-based line number in the old text (`-`) or the new text (`+`). */
  line: number;
  text: string;
}

/** One changed leaf field, by path (`retries`, `timeout.seconds`, `params.headers[0].value`). */
export interface FieldChange {
  field: string;
  /** `undefined` when the field did not exist on that side. */
  before: unknown;
  after: unknown;
  /** For strings spanning several lines (scripts, SQL): the lines that differ. */
  lines?: LineChange[];
}

export interface TaskRef {
  code: string;
  name: string;
  type: string;
}

export interface TaskChange extends TaskRef {
  changes: FieldChange[];
}

export interface WorkflowDiff {
  /** Name, description and global parameter changes (`globalParams.<name>`). */
  workflow: FieldChange[];
  tasksAdded: TaskRef[];
  tasksRemoved: TaskRef[];
  tasksChanged: TaskChange[];
  edgesAdded: Edge[];
  edgesRemoved: Edge[];
}

type DiffableWorkflow = Pick<WorkflowDefinitionInput, "name"> & {
  description?: string;
  globalParams?: readonly Param[];
  tasks: readonly (Partial<TaskDefinition> & { code: string })[];
  edges?: readonly Edge[];
};

/** Beyond this many lines on both sides the line diff is skipped (the field still shows as changed). */
const MAX_LINE_DIFF = 5_000;

/** True when the diff has nothing in it (node positions are not compared). */
export function isEmptyDiff(d: WorkflowDiff): boolean {
  return (
    d.workflow.length === 0 &&
    d.tasksAdded.length === 0 &&
    d.tasksRemoved.length === 0 &&
    d.tasksChanged.length === 0 &&
    d.edgesAdded.length === 0 &&
    d.edgesRemoved.length === 0
  );
}

/**
 * What changed from `before` to `after`: tasks matched by code (added, removed, changed field by field,
 * with line-level changes for multi-line strings such as scripts), edges added and removed, and the
 * workflow's own fields. Node positions (`layout`) are ignored. Pure and deterministic: lists follow
 * `after`'s task order (removed ones `before`'s).
 */
export function diffWorkflows(before: DiffableWorkflow, after: DiffableWorkflow): WorkflowDiff {
  const oldTasks = new Map(before.tasks.map((t) => [t.code, t]));
  const newTasks = new Map(after.tasks.map((t) => [t.code, t]));
  const ref = (t: DiffableWorkflow["tasks"][number]): TaskRef => ({
    code: t.code,
    name: t.name ?? t.code,
    type: t.type ?? "",
  });

  const tasksAdded: TaskRef[] = [];
  const tasksChanged: TaskChange[] = [];
  for (const t of after.tasks) {
    const old = oldTasks.get(t.code);
    if (!old) {
      tasksAdded.push(ref(t));
      continue;
    }
    const { code: _a, ...oldRest } = old;
    const { code: _b, ...newRest } = t;
    const changes = diffValues(oldRest, newRest, "");
    if (changes.length > 0) tasksChanged.push({ ...ref(t), changes });
  }
  const tasksRemoved = before.tasks.filter((t) => !newTasks.has(t.code)).map(ref);

  const key = (e: Edge) => `${e.from}\u0000${e.to}`;
  const oldEdges = new Set((before.edges ?? []).map(key));
  const newEdges = new Set((after.edges ?? []).map(key));
  const edgesAdded = dedupe(
    (after.edges ?? []).filter((e) => !oldEdges.has(key(e))),
    key,
  );
  const edgesRemoved = dedupe(
    (before.edges ?? []).filter((e) => !newEdges.has(key(e))),
    key,
  );

  const workflow = [
    ...diffValues(
      { name: before.name, description: before.description ?? "" },
      { name: after.name, description: after.description ?? "" },
      "",
    ),
    ...diffValues(paramMap(before.globalParams), paramMap(after.globalParams), "globalParams"),
  ];

  return { workflow, tasksAdded, tasksRemoved, tasksChanged, edgesAdded, edgesRemoved };
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(key(i)) ? false : (seen.add(key(i)), true)));
}

/** Global params keyed by name, so reordering is not a change but a new value is. */
function paramMap(params: readonly Param[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params ?? []) out[p.name] = p.value;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (path === "") return safe;
  return safe === key ? `${path}.${key}` : `${path}[${safe}]`;
}

/** Leaf-level differences between two JSON-like values. */
function diffValues(a: unknown, b: unknown, path: string): FieldChange[] {
  if (Object.is(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diffValues(a[k], b[k], join(path, k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      out.push(...diffValues(a[i], b[i], join(path, i)));
    return out;
  }
  if (typeof a === "string" && typeof b === "string") {
    if (a === b) return [];
    if (a.includes("\n") || b.includes("\n"))
      return [{ field: path, before: a, after: b, lines: diffLines(a, b) }];
  }
  return [{ field: path, before: a, after: b }];
}

/**
 * Lines removed from `a` and added in `b`, by a longest-common-subsequence line diff (common prefix and
 * suffix trimmed first, so a one-line edit in a long script costs next to nothing).
 */
export function diffLines(a: string, b: string): LineChange[] {
  const x = a.split("\n");
  const y = b.split("\n");
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  const xs = x.slice(start, endX);
  const ys = y.slice(start, endY);
  const removed = (i: number): LineChange => ({ op: "-", line: start + i + 1, text: xs[i]! });
  const added = (j: number): LineChange => ({ op: "+", line: start + j + 1, text: ys[j]! });
  if (
    xs.length * ys.length > (MAX_LINE_DIFF * MAX_LINE_DIFF) / 10 ||
    xs.length === 0 ||
    ys.length === 0
  ) {
    return [...xs.map((_, i) => removed(i)), ...ys.map((_, j) => added(j))];
  }
  // lcs[i][j] = LCS length of xs[i..] and ys[j..]
  const lcs: Uint32Array[] = Array.from(
    { length: xs.length + 1 },
    () => new Uint32Array(ys.length + 1),
  );
  for (let i = xs.length - 1; i >= 0; i--) {
    for (let j = ys.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        xs[i] === ys[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < xs.length && j < ys.length) {
    if (xs[i] === ys[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(removed(i++));
    else out.push(added(j++));
  }
  while (i < xs.length) out.push(removed(i++));
  while (j < ys.length) out.push(added(j++));
  return out;
}
