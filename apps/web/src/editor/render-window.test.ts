import { describe, expect, it } from "vitest";
import { grow, needsNewWindow, tasksInWindow, union, viewRect } from "./render-window";

const SIZE = { width: 100, height: 50 };
const node = (id: string, x: number, y: number) => ({ id, position: { x, y } });

describe("viewRect", () => {
  it("turns React Flow's transform and pane size into the flow area shown", () => {
    // Panned so flow (100, 50) is at the pane's top-left, zoomed to 2×: a 800×600 pane shows 400×300.
    expect(viewRect([-200, -100, 2], 800, 600)).toEqual({ x: 100, y: 50, width: 400, height: 300 });
  });
});

describe("grow and union", () => {
  it("grow adds a share of the size plus a fixed pad on every side", () => {
    expect(grow({ x: 0, y: 0, width: 100, height: 50 }, 0.5, 10)).toEqual({
      x: -60,
      y: -35,
      width: 220,
      height: 120,
    });
  });

  it("union holds both rectangles, also when one lies inside the other", () => {
    const a = { x: 0, y: 0, width: 100, height: 100 };
    expect(union(a, { x: 50, y: -20, width: 200, height: 10 })).toEqual({
      x: 0,
      y: -20,
      width: 250,
      height: 120,
    });
    expect(union(a, { x: 10, y: 10, width: 5, height: 5 })).toEqual(a);
  });
});

describe("needsNewWindow", () => {
  const view = { x: 0, y: 0, width: 400, height: 300 };
  const win = grow(view, 0.25);

  it("keeps the window while the view pans inside its margin", () => {
    expect(win).toEqual({ x: -100, y: -75, width: 600, height: 450 });
    expect(needsNewWindow(win, { ...view, x: 90, y: -70 }, 0.25)).toBe(false);
  });

  it("moves it when the view crosses its edge, or when there is none yet", () => {
    expect(needsNewWindow(win, { ...view, x: 101 }, 0.25)).toBe(true);
    expect(needsNewWindow(null, view, 0.25)).toBe(true);
  });

  it("moves it when zooming out shows more than it covers", () => {
    expect(needsNewWindow(win, { x: -200, y: -150, width: 800, height: 600 }, 0.25)).toBe(true);
  });

  it("shrinks it after zooming far in, so a small view does not keep rendering a huge area", () => {
    const zoomedIn = { x: 0, y: 0, width: 100, height: 75 };
    expect(needsNewWindow(win, zoomedIn, 0.25)).toBe(true);
    expect(needsNewWindow(win, { x: 0, y: 0, width: 300, height: 225 }, 0.25)).toBe(false);
  });
});

describe("tasksInWindow", () => {
  const win = { x: 0, y: 0, width: 1000, height: 600 };

  it("renders tasks whose box meets the window, even partly, and not the others", () => {
    const ids = tasksInWindow(
      [node("in", 10, 10), node("edge", -90, 10), node("out", 2000, 10), node("below", 10, 601)],
      [],
      win,
      SIZE,
    );
    expect([...ids].sort()).toEqual(["edge", "in"]);
  });

  it("renders both ends of an edge that crosses the window though both tasks lie outside it", () => {
    const ids = tasksInWindow(
      [node("left", -3000, 300), node("right", 3000, 300), node("far", 5000, 5000)],
      [
        { source: "left", target: "right" },
        { source: "right", target: "far" },
      ],
      win,
      SIZE,
    );
    expect([...ids].sort()).toEqual(["left", "right"]);
  });

  it("renders the far end of an edge leaving a task in view, and ignores edges to unknown tasks", () => {
    const ids = tasksInWindow(
      [node("a", 10, 10), node("b", 4000, 10)],
      [
        { source: "a", target: "b" },
        { source: "a", target: "ghost" },
      ],
      win,
      SIZE,
    );
    expect([...ids].sort()).toEqual(["a", "b"]);
  });
});
