import {
  mergeParams,
  resolveParams,
  systemParams,
  type Param,
  type TaskDefinition,
} from "@shoal/core";

export interface PreviewLine {
  /** `params.script`, `localParams.dt`. */
  field: string;
  text: string;
  resolved?: string;
  error?: string;
}

const EXPRESSION = /\$\{|\$\[/;

/** Every string in `value` that holds a `${...}` or `$[...]`, with its path. */
function expressions(value: unknown, path: string, out: { field: string; text: string }[]) {
  if (typeof value === "string") {
    if (EXPRESSION.test(value)) out.push({ field: path, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expressions(v, `${path}[${i}]`, out));
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) expressions(v, `${path}.${k}`, out);
  }
}

/**
 * How the task's `${params}` and `$[time]` expressions resolve at `baseTime` in `timeZone`, with the
 * engine's precedence (local > global > system; upstream OUT params and run overrides are not known
 * before a run). Each field resolves on its own so every unknown parameter shows.
 */
export function previewTask(
  task: Pick<TaskDefinition, "params" | "localParams">,
  globalParams: readonly Param[],
  baseTime: Date,
  timeZone: string,
): PreviewLine[] {
  const system = systemParams(baseTime, timeZone);
  if (!system.ok) return [{ field: "time zone", text: timeZone, error: system.error.message }];
  const params = mergeParams({
    system: system.value,
    global: globalParams,
    local: task.localParams,
  });
  const found: { field: string; text: string }[] = [];
  expressions(task.params, "params", found);
  for (const p of task.localParams) {
    if (EXPRESSION.test(p.value)) found.push({ field: `localParams.${p.name}`, text: p.value });
  }
  return found.map(({ field, text }) => {
    const r = resolveParams({ text, params, baseTime, timeZone });
    return r.ok ? { field, text, resolved: r.value } : { field, text, error: r.error.message };
  });
}
