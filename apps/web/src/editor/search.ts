import { getTaskType } from "@shoal/core";
import type { TaskNode } from "./types";

export interface SearchHit {
  code: string;
  name: string;
  type: string;
}

/**
 * Tasks matching `query` by name, code or type (label too), case-insensitive: exact and prefix
 * matches of the name first, then other name matches, then code/type matches; at most `limit`.
 */
export function searchTasks(nodes: readonly TaskNode[], query: string, limit = 20): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored: Array<{ hit: SearchHit; score: number }> = [];
  for (const n of nodes) {
    const { name, type } = n.data.task;
    const lname = name.toLowerCase();
    const label = getTaskType(type)?.label.toLowerCase() ?? "";
    let score: number;
    if (lname === q) score = 0;
    else if (lname.startsWith(q)) score = 1;
    else if (lname.includes(q)) score = 2;
    else if (n.id.toLowerCase().includes(q)) score = 3;
    else if (type.toLowerCase().includes(q) || label.includes(q)) score = 4;
    else continue;
    scored.push({ hit: { code: n.id, name, type }, score });
  }
  scored.sort((a, b) => a.score - b.score || a.hit.name.localeCompare(b.hit.name));
  return scored.slice(0, limit).map((s) => s.hit);
}
