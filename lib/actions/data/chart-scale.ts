/** Axis arithmetic for the SVG chart: "nice" round tick values and compact tick labels. */

export interface Ticks {
  min: number;
  max: number;
  step: number;
  values: number[];
}

function niceStep(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

export function niceTicks(lo: number, hi: number, count = 5): Ticks {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const values: number[] = [];
  for (let v = min; v <= max + step / 2; v += step) values.push(Number(v.toPrecision(12)));
  return { min, max, step, values };
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export function formatTick(v: number): string {
  return Math.abs(v) >= 10_000 ? compact.format(v) : plain.format(v);
}

/** One style for a whole axis, so "5,000" never sits under "10K". */
export function formatTicks(values: readonly number[]): string[] {
  const big = values.some((v) => Math.abs(v) >= 10_000);
  return values.map((v) => (big ? compact.format(v) : plain.format(v)));
}
