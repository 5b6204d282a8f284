import { autoLayout, type XY } from "./layout";
import { stockCanvas } from "./perf-flags";
import type { LayoutRequest, LayoutResponse } from "./layout.worker";

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, (positions: Map<string, XY>) => void>();

function getWorker(): Worker | null {
  if (worker) return worker;
  if (typeof Worker === "undefined" || stockCanvas()) return null;
  try {
    worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return null;
  }
  worker.onmessage = (e: MessageEvent<LayoutResponse>) => {
    const resolve = pending.get(e.data.id);
    pending.delete(e.data.id);
    resolve?.(new Map(e.data.positions));
  };
  return worker;
}

/**
 * Lays the graph out in a Web Worker (the main thread stays free for input); falls back to laying it
 * out inline where workers don't exist (unit tests, very old browsers).
 */
export function layoutOffThread(
  codes: string[],
  edges: Array<{ from: string; to: string }>,
): Promise<Map<string, XY>> {
  const w = getWorker();
  if (!w) return Promise.resolve(autoLayout(codes, edges));
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    const req: LayoutRequest = { id, codes, edges };
    w.postMessage(req);
  });
}
