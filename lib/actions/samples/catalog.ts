/**
 * The bundled sample datasets. The list is closed on purpose: a sample name is never
 * used as a path, so it cannot reach other files in the app.
 */
import path from "node:path";

export interface SampleInfo {
  name: string;
  format: "csv" | "json";
  summary: string;
}

export const SAMPLES: readonly SampleInfo[] = [
  {
    name: "sales.csv",
    format: "csv",
    summary:
      "500 orders from 2025; columns order_id, date (YYYY-MM-DD), customer_id, region (North/South/East/West), product, category, units, unit_price, revenue",
  },
  {
    name: "customers.json",
    format: "json",
    summary:
      "100 customers (array of objects); fields customer_id, name, email, city, region, segment (Consumer/Small Business/Enterprise), signup_date, active, lifetime_value",
  },
];

export function defaultSamplesDir(): string {
  // Resolved from the working directory rather than import.meta.url, which points into
  // the bundle output once Next.js compiles the server code.
  return path.resolve(process.cwd(), "lib", "actions", "samples");
}

export function describeSamples(format: "csv" | "json"): string {
  return SAMPLES.filter((s) => s.format === format)
    .map((s) => `"${s.name}" (${s.summary})`)
    .join("; ");
}
