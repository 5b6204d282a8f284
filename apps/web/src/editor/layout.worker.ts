import { autoLayout, type XY } from "./layout";

export interface LayoutRequest {
  id: number;
  codes: string[];
  edges: Array<{ from: string; to: string }>;
}
export interface LayoutResponse {
  id: number;
  positions: Array<[string, XY]>;
  ms: number;
}

// Lays out off the main thread so the canvas keeps answering input while big graphs are arranged.
self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  const t0 = performance.now();
  const positions = [...autoLayout(e.data.codes, e.data.edges)];
  const res: LayoutResponse = { id: e.data.id, positions, ms: performance.now() - t0 };
  self.postMessage(res);
};
