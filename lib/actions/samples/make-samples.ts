/**
 * Generates the bundled sample datasets deterministically (fixed-seed PRNG), so the files
 * can be rebuilt byte for byte:  npx tsx lib/actions/samples/make-samples.ts
 * Sales reference customers by customer_id and take the customer's region, so a join of
 * the two samples is meaningful. Some product names hold a comma or a quote on purpose,
 * to exercise CSV quoting.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ["North", "South", "East", "West"] as const;
const CITIES: Record<(typeof REGIONS)[number], string[]> = {
  North: ["Minneapolis", "Chicago", "Detroit", "Milwaukee"],
  South: ["Atlanta", "Houston", "Nashville", "Miami"],
  East: ["Boston", "New York", "Philadelphia", "Baltimore"],
  West: ["Seattle", "Portland", "San Francisco", "Denver"],
};
const FIRST = ["Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Chloe", "Lucas", "Priya", "Mateo", "Hana", "Omar", "Grace", "Leo", "Sofia", "Kenji", "Amara", "Jonas", "Isla", "Ravi"];
const LAST = ["Nguyen", "Garcia", "Okafor", "Smith", "Kowalski", "Haddad", "Johnson", "Tanaka", "O'Brien", "Rossi", "Patel", "Müller", "Lee", "Martin", "Silva", "Dubois", "Kim", "Brown", "Novak", "Ali"];
const SEGMENTS = ["Consumer", "Small Business", "Enterprise"] as const;

const PRODUCTS = [
  { product: "Wireless Mouse", category: "Electronics", price: 24.99, maxUnits: 6 },
  { product: "Mechanical Keyboard", category: "Electronics", price: 89.0, maxUnits: 4 },
  { product: '27" Monitor', category: "Electronics", price: 279.0, maxUnits: 3 },
  { product: "USB-C Hub", category: "Electronics", price: 39.5, maxUnits: 5 },
  { product: "Noise-Cancelling Headphones", category: "Electronics", price: 199.0, maxUnits: 2 },
  { product: "Ergonomic Chair", category: "Furniture", price: 349.0, maxUnits: 2 },
  { product: "Standing Desk", category: "Furniture", price: 499.0, maxUnits: 2 },
  { product: "Desk Lamp", category: "Furniture", price: 34.99, maxUnits: 4 },
  { product: "Printer Paper, 5-pack", category: "Supplies", price: 22.5, maxUnits: 12 },
  { product: "Gel Pens (12)", category: "Supplies", price: 9.99, maxUnits: 20 },
  { product: "Notebook A5", category: "Supplies", price: 6.5, maxUnits: 25 },
  { product: "Stapler", category: "Supplies", price: 14.25, maxUnits: 6 },
];

// Busier towards the end of the year, as office retail is.
const MONTH_WEIGHTS = [7, 6, 8, 8, 8, 7, 6, 8, 9, 9, 11, 13];
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const round2 = (n: number) => Math.round(n * 100) / 100;

export interface Customer {
  customer_id: string;
  name: string;
  email: string;
  city: string | null;
  region: string;
  segment: string;
  signup_date: string;
  active: boolean;
  lifetime_value: number;
}

export function makeCustomers(): Customer[] {
  const rand = mulberry32(7);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const customers: Customer[] = [];
  for (let i = 1; i <= 100; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const region = REGIONS[(i * 7 + Math.floor(rand() * 4)) % 4];
    const segment = rand() < 0.55 ? SEGMENTS[0] : rand() < 0.7 ? SEGMENTS[1] : SEGMENTS[2];
    const year = 2021 + Math.floor(rand() * 4);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * DAYS[month - 1]);
    const scale = segment === "Enterprise" ? 12000 : segment === "Small Business" ? 4000 : 900;
    const slug = `${first}.${last}`.toLowerCase().normalize("NFD").replace(/[^a-z.]/g, "");
    customers.push({
      customer_id: `C${pad(i, 3)}`,
      name: `${first} ${last}`,
      email: `${slug}${i}@example.com`,
      // A few customers never gave a city: real data has gaps.
      city: i % 23 === 0 ? null : pick(CITIES[region]),
      region,
      segment,
      signup_date: `${year}-${pad(month)}-${pad(day)}`,
      active: rand() > 0.12,
      lifetime_value: round2(scale * (0.3 + rand() * 1.7)),
    });
  }
  return customers;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function makeSalesCsv(customers: readonly Customer[] = makeCustomers()): string {
  const rand = mulberry32(2025);
  const totalWeight = MONTH_WEIGHTS.reduce((a, b) => a + b, 0);
  const rows: { date: string; fields: (string | number)[] }[] = [];
  for (let i = 0; i < 500; i++) {
    let w = rand() * totalWeight;
    let month = 0;
    while (w >= MONTH_WEIGHTS[month]) w -= MONTH_WEIGHTS[month++];
    const day = 1 + Math.floor(rand() * DAYS[month]);
    const date = `2025-${pad(month + 1)}-${pad(day)}`;
    const customer = customers[Math.floor(rand() * customers.length)];
    const p = PRODUCTS[Math.floor(rand() * PRODUCTS.length)];
    const units = 1 + Math.floor(rand() ** 1.6 * p.maxUnits);
    const discount = rand() < 0.2 ? (rand() < 0.5 ? 0.05 : 0.1) : 0;
    const unitPrice = round2(p.price * (1 - discount));
    rows.push({ date, fields: [date, customer.customer_id, customer.region, p.product, p.category, units, unitPrice.toFixed(2), round2(units * unitPrice).toFixed(2)] });
  }
  rows.sort((a, b) => a.date.localeCompare(b.date));
  const header = "order_id,date,customer_id,region,product,category,units,unit_price,revenue";
  const lines = rows.map((r, i) => [`SO-${10001 + i}`, ...r.fields].map(csvField).join(","));
  return [header, ...lines].join("\r\n") + "\r\n";
}

export function makeCustomersJson(customers: readonly Customer[] = makeCustomers()): string {
  return JSON.stringify(customers, null, 1) + "\n";
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const customers = makeCustomers();
  writeFileSync(path.join(dir, "sales.csv"), makeSalesCsv(customers));
  writeFileSync(path.join(dir, "customers.json"), makeCustomersJson(customers));
  console.log(`wrote sales.csv and customers.json to ${dir}`);
}
