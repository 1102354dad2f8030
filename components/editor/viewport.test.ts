import { describe, expect, it } from "vitest";
import { openingViewport, panToInclude, READABLE_ZOOM } from "./viewport";

describe("openingViewport", () => {
  it("fits and centres a plan that fits at a readable zoom, never above 1", () => {
    expect(openingViewport({ x: 0, y: 0, width: 400, height: 200 }, { width: 1000, height: 600 })).toEqual({ x: 300, y: 200, zoom: 1 });
    const v = openingViewport({ x: 100, y: 50, width: 1000, height: 400 }, { width: 900, height: 700 });
    expect(v.zoom).toBeCloseTo(836 / 1000);
    expect(v.x + 100 * v.zoom).toBeCloseTo((900 - 1000 * v.zoom) / 2);
  });

  it("opens a wide plan at the readable zoom, its first steps at the left, centred vertically", () => {
    // A 5-step plan laid out left to right in the 792 px canvas of a 1440 px window: fitting it would take 0.40.
    const v = openingViewport({ x: 0, y: 0, width: 1850, height: 420 }, { width: 792, height: 780 });
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(12 * v.zoom).toBeGreaterThanOrEqual(9);
    expect(v.x).toBe(32);
    expect(v.y).toBeCloseTo((780 - 420 * READABLE_ZOOM) / 2);
  });

  it("puts the top of a plan taller than the pane at the top", () => {
    const v = openingViewport({ x: -50, y: -100, width: 300, height: 3000 }, { width: 800, height: 600 });
    expect(v).toEqual({ x: (800 - 300 * READABLE_ZOOM) / 2 + 50 * READABLE_ZOOM, y: 32 + 100 * READABLE_ZOOM, zoom: READABLE_ZOOM });
  });
});

describe("panToInclude", () => {
  const pane = { width: 800, height: 600 };
  it("leaves a box in view alone", () => {
    expect(panToInclude({ x: 0, y: 0, zoom: 1 }, { x: 100, y: 100, width: 200, height: 100 }, pane)).toBeNull();
  });
  it("pans just enough to bring a box that is half off the left or the bottom into view", () => {
    expect(panToInclude({ x: 0, y: 0, zoom: 1 }, { x: -150, y: 100, width: 200, height: 100 }, pane)).toEqual({ x: 174, y: 0, zoom: 1 });
    expect(panToInclude({ x: 10, y: -20, zoom: 0.5 }, { x: 100, y: 1200, width: 200, height: 100 }, pane)).toEqual({ x: 10, y: -20 - (1300 * 0.5 - 20 - 576), zoom: 0.5 });
  });
  it("shows the top-left of a box larger than the pane", () => {
    expect(panToInclude({ x: 0, y: 0, zoom: 1 }, { x: 100, y: 0, width: 2000, height: 100 }, pane)).toEqual({ x: -76, y: 24, zoom: 1 });
  });
});
