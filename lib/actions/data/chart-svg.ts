import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { formatTick, formatTicks, niceTicks } from "./chart-scale";
import { asNumber, isBlank } from "./compare";
import { cell, requireColumns, Table } from "./table";
import { escapeXml } from "./xml-escape";

const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const MAX_POINTS = 1000;
const FONT = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif";

export const ChartInput = z.object({
  table: Table.describe("The data; one row per x value (aggregate first with data.group_aggregate when x repeats)"),
  kind: z.enum(["bar", "line"]).describe('"bar" (one bar per row; grouped bars for several y columns) or "line" (one line per y column)'),
  x: z.string().describe("Column for the horizontal axis (categories or dates, shown in row order)"),
  y: z.union([z.string(), z.array(z.string()).min(1)]).describe("Numeric column, or list of numeric columns for several series"),
  title: z.string().optional().describe('Chart title (default "<y> by <x>")'),
  xLabel: z.string().optional().describe("Horizontal axis label (default: the x column name)"),
  yLabel: z.string().optional().describe("Vertical axis label (default: the y column name, omitted for several series)"),
  width: z.number().int().min(200).max(4000).default(720).describe("Width in pixels (default 720)"),
  height: z.number().int().min(150).max(4000).default(420).describe("Height in pixels (default 420)"),
  includeZero: z.boolean().default(true).describe("Start the value axis at zero (default true; bars always do)"),
});
export type ChartInput = z.infer<typeof ChartInput>;

interface Series {
  name: string;
  values: (number | null)[];
  color: string;
}

function label(v: unknown): string {
  if (isBlank(v)) return "(empty)";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const r = (n: number) => Math.round(n * 100) / 100;

export function renderChart(input: ChartInput): { svg: string; points: number; series: string[] } {
  const yCols = Array.isArray(input.y) ? input.y : [input.y];
  requireColumns(input.table, [input.x, ...yCols]);
  const rows = input.table.rows;
  if (rows.length === 0) throw new ActionError("empty_table", "The table has no rows, so there is nothing to chart.");
  if (rows.length > MAX_POINTS) {
    throw new ActionError("too_many_points", `The chart would have ${rows.length} points; the limit is ${MAX_POINTS}. Aggregate or filter the table first.`);
  }
  const categories = rows.map((row) => label(cell(row, input.x)));
  const series: Series[] = yCols.map((name, i) => ({
    name,
    color: PALETTE[i % PALETTE.length],
    values: rows.map((row) => {
      const v = cell(row, name);
      if (isBlank(v)) return null;
      const n = asNumber(v);
      if (n === null) throw new ActionError("not_numeric", `The y column "${name}" holds a non-numeric value ${JSON.stringify(v)}; choose a numeric column.`);
      return n;
    }),
  }));
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (all.length === 0) throw new ActionError("no_values", `The y column${yCols.length > 1 ? "s have" : " has"} no numeric values to chart.`);

  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (input.kind === "bar" || input.includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  const ticks = niceTicks(lo, hi, Math.max(3, Math.floor(input.height / 80)));

  const { width, height } = input;
  const title = input.title ?? `${yCols.join(", ")} by ${input.x}`;
  const xLabel = input.xLabel ?? input.x;
  const yLabel = input.yLabel ?? (yCols.length === 1 ? yCols[0] : "");
  const legend = series.length > 1;

  const tickLabels = formatTicks(ticks.values);
  const shownLabels = categories.map((c) => truncate(c, 18));
  const longest = Math.max(...shownLabels.map((c) => c.length));
  const marginRight = 24;
  const marginTop = 44 + (legend ? 24 : 0);
  let marginLeft = 20 + (yLabel ? 22 : 0) + Math.max(...tickLabels.map((t) => t.length)) * 7;
  let band = (width - marginLeft - marginRight) / categories.length;
  // Rotate the labels when they would collide, and thin them out when even that is too dense.
  const rotate = longest * 6.6 + 8 > band;
  if (rotate) {
    // A label rotated by 40° reaches left of its tick by about cos(40°) of its length.
    marginLeft = Math.max(marginLeft, Math.ceil(shownLabels[0].length * 6.2 - band / 2 + 8));
    band = (width - marginLeft - marginRight) / categories.length;
  }
  const plotW = width - marginLeft - marginRight;
  const every = rotate ? Math.max(1, Math.ceil(16 / band)) : 1;
  const marginBottom = 28 + (xLabel ? 22 : 0) + (rotate ? Math.min(120, longest * 5.2) : 8);
  const plotH = height - marginTop - marginBottom;
  if (plotW < 40 || plotH < 40) throw new ActionError("chart_too_small", "The chart is too small for its labels; make it wider or taller.");

  const yPos = (v: number) => marginTop + plotH - ((v - ticks.min) / (ticks.max - ticks.min)) * plotH;
  const xCenter = (i: number) => marginLeft + band * (i + 0.5);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title" font-family="${escapeXml(FONT)}" font-size="12">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${r(width / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="600" fill="#222">${escapeXml(truncate(title, 90))}</text>`,
  );

  if (legend) {
    let lx = marginLeft;
    out.push(`<g class="legend">`);
    for (const s of series) {
      out.push(`<rect x="${r(lx)}" y="46" width="12" height="12" fill="${s.color}"/>`);
      out.push(`<text x="${r(lx + 16)}" y="56" fill="#333">${escapeXml(truncate(s.name, 30))}</text>`);
      lx += 28 + Math.min(30, s.name.length) * 7;
    }
    out.push(`</g>`);
  }

  out.push(`<g class="y-axis">`);
  ticks.values.forEach((v, i) => {
    const y = r(yPos(v));
    out.push(`<line x1="${marginLeft}" y1="${y}" x2="${r(marginLeft + plotW)}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${marginLeft - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#555">${escapeXml(tickLabels[i])}</text>`);
  });
  out.push(`<line x1="${marginLeft}" y1="${marginTop}" x2="${marginLeft}" y2="${r(marginTop + plotH)}" stroke="#333"/>`);
  if (yLabel) {
    const cy = r(marginTop + plotH / 2);
    out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})" fill="#333">${escapeXml(truncate(yLabel, 60))}</text>`);
  }
  out.push(`</g>`);

  const baseline = r(yPos(Math.max(ticks.min, Math.min(0, ticks.max))));
  out.push(`<g class="x-axis">`);
  out.push(`<line x1="${marginLeft}" y1="${baseline}" x2="${r(marginLeft + plotW)}" y2="${baseline}" stroke="#333"/>`);
  const labelY = r(marginTop + plotH + 16);
  shownLabels.forEach((c, i) => {
    if (i % every !== 0) return;
    const x = r(xCenter(i));
    out.push(
      rotate
        ? `<text x="${x}" y="${labelY}" text-anchor="end" transform="rotate(-40 ${x} ${labelY})" fill="#555">${escapeXml(c)}</text>`
        : `<text x="${x}" y="${labelY}" text-anchor="middle" fill="#555">${escapeXml(c)}</text>`,
    );
  });
  if (xLabel) out.push(`<text x="${r(marginLeft + plotW / 2)}" y="${height - 10}" text-anchor="middle" fill="#333">${escapeXml(truncate(xLabel, 80))}</text>`);
  out.push(`</g>`);

  out.push(`<g class="series">`);
  if (input.kind === "bar") {
    const groupW = band * 0.8;
    const barW = groupW / series.length;
    series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = marginLeft + band * i + band * 0.1 + barW * si;
        const y = yPos(Math.max(v, 0));
        const h = Math.abs(yPos(v) - yPos(0));
        const tip = `${categories[i]} — ${s.name}: ${formatTick(v)}`;
        out.push(`<rect x="${r(x)}" y="${r(y)}" width="${r(Math.max(barW - 1, 1))}" height="${r(h)}" fill="${s.color}"><title>${escapeXml(tip)}</title></rect>`);
      });
    });
  } else {
    for (const s of series) {
      // A null breaks the line: a gap is more honest than joining across missing data.
      let d = "";
      let pen = false;
      s.values.forEach((v, i) => {
        if (v === null) {
          pen = false;
          return;
        }
        d += `${pen ? "L" : "M"}${r(xCenter(i))} ${r(yPos(v))} `;
        pen = true;
      });
      out.push(`<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`);
      if (s.values.length <= 100) {
        s.values.forEach((v, i) => {
          if (v === null) return;
          const tip = `${categories[i]} — ${s.name}: ${formatTick(v)}`;
          out.push(`<circle cx="${r(xCenter(i))}" cy="${r(yPos(v))}" r="3" fill="${s.color}"><title>${escapeXml(tip)}</title></circle>`);
        });
      }
    }
  }
  out.push(`</g>`, `</svg>`);
  return { svg: out.join("\n"), points: categories.length, series: yCols };
}

export const chartSvgAction = defineAction({
  id: "data.chart_svg",
  title: "Chart (SVG)",
  description:
    "Draw a bar or line chart of a table as a standalone SVG image with a title, axes, tick labels, axis labels and (for several series) a legend. " +
    "`x` is the category/date column (one point per row, in row order, so sort first if needed); `y` is one numeric column or a list of them. " +
    'Example: { "table": …, "kind": "bar", "x": "region", "y": "total_revenue", "title": "Revenue by region" }. ' +
    "Returns { svg (the SVG markup, ready for files.write as .svg or for text.markdown_report), width, height, points, series }.",
  flows: ["data"],
  effect: "pure",
  input: ChartInput,
  output: z.object({
    svg: z.string().describe("The chart as standalone SVG markup"),
    width: z.number().int().describe("Width in pixels"),
    height: z.number().int().describe("Height in pixels"),
    points: z.number().int().describe("Number of x values drawn"),
    series: z.array(z.string()).describe("The y columns drawn"),
  }),
  run(input) {
    const { svg, points, series } = renderChart(input);
    return { svg, width: input.width, height: input.height, points, series };
  },
});
