/**
 * Where the canvas opens. Fitting a whole plan shrinks its text until it cannot be read (a 5-step
 * plan fits a 1440 px window at 0.40, its 12 px port labels at 5 px), so the opening view fits the
 * plan only down to READABLE_ZOOM and otherwise starts at its beginning: the first steps at the
 * left, the rest a pan (or the minimap, or Fit) away.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** The smallest zoom at which the canvas's 12 px text still reads as 9 px on screen. */
export const READABLE_ZOOM = 0.75;
const MAX_ZOOM = 1;
const PAD = 32;

export function openingViewport(bounds: Rect, pane: { width: number; height: number }, options: { minZoom?: number } = {}): Viewport {
  const minZoom = options.minZoom ?? READABLE_ZOOM;
  const fit = Math.min((pane.width - 2 * PAD) / Math.max(bounds.width, 1), (pane.height - 2 * PAD) / Math.max(bounds.height, 1));
  const zoom = Math.max(minZoom, Math.min(MAX_ZOOM, fit));
  const w = bounds.width * zoom;
  const h = bounds.height * zoom;
  // Centred on an axis where the plan fits; otherwise its start (left, top) at the padding.
  const x = w <= pane.width - 2 * PAD ? (pane.width - w) / 2 - bounds.x * zoom : PAD - bounds.x * zoom;
  const y = h <= pane.height - 2 * PAD ? (pane.height - h) / 2 - bounds.y * zoom : PAD - bounds.y * zoom;
  return { x, y, zoom };
}

/**
 * The smallest pan that brings `box` (flow coordinates) into the pane at this viewport, or null
 * when it is in view already. A box larger than the pane shows its top-left corner.
 */
export function panToInclude(v: Viewport, box: Rect, pane: { width: number; height: number }, pad = 24): Viewport | null {
  // On one axis, on screen: the box from a to b in a pane of `span`.
  const shift = (a: number, b: number, span: number) => (a < pad || b - a > span - 2 * pad ? pad - a : b > span - pad ? span - pad - b : 0);
  const dx = shift(box.x * v.zoom + v.x, (box.x + box.width) * v.zoom + v.x, pane.width);
  const dy = shift(box.y * v.zoom + v.y, (box.y + box.height) * v.zoom + v.y, pane.height);
  return dx || dy ? { x: v.x + dx, y: v.y + dy, zoom: v.zoom } : null;
}
