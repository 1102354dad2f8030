/**
 * The bundled sample database: a small shop in its own in-memory PGlite, separate
 * from the app's database so nothing a user query does can reach real data. It is
 * created lazily, once per process, and shared by every sql.* action.
 */
import { PGlite } from "@electric-sql/pglite";
import { generateShopData, type ShopData } from "./shop-data";

export const SAMPLE_SHOP_DDL = `
CREATE TABLE categories (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE
);
COMMENT ON TABLE categories IS 'Product categories';
CREATE TABLE products (
  id integer PRIMARY KEY,
  name text NOT NULL,
  category_id integer NOT NULL REFERENCES categories(id),
  price numeric(10,2) NOT NULL CHECK (price >= 0),
  stock integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE products IS 'Products for sale; price is the current list price in EUR';
CREATE TABLE customers (
  id integer PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text NOT NULL UNIQUE,
  city text,
  country text NOT NULL,
  signed_up_on date NOT NULL
);
COMMENT ON TABLE customers IS 'Registered customers';
CREATE TABLE orders (
  id integer PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers(id),
  ordered_at timestamp NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
  shipping_country text NOT NULL
);
COMMENT ON TABLE orders IS 'Orders placed in 2025; revenue usually excludes cancelled and refunded orders';
CREATE TABLE order_items (
  id integer PRIMARY KEY,
  order_id integer NOT NULL REFERENCES orders(id),
  product_id integer NOT NULL REFERENCES products(id),
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(10,2) NOT NULL
);
COMMENT ON TABLE order_items IS 'Order lines; line total (order value, revenue) = quantity * unit_price (unit_price is after discount)';
CREATE INDEX orders_customer_id_idx ON orders(customer_id);
CREATE INDEX orders_ordered_at_idx ON orders(ordered_at);
CREATE INDEX order_items_order_id_idx ON order_items(order_id);
CREATE INDEX order_items_product_id_idx ON order_items(product_id);
`;

/** tables in foreign-key order, with the ShopData key that holds their rows */
const LOAD_ORDER: Array<[string, keyof ShopData]> = [
  ["categories", "categories"],
  ["products", "products"],
  ["customers", "customers"],
  ["orders", "orders"],
  ["order_items", "orderItems"],
];

/**
 * Whether a running statement on the sample database can be interrupted. It cannot:
 * PGlite runs Postgres as WASM on the server's own thread, statement_timeout never
 * fires there (no timer signals) and no JS runs until the statement returns.
 */
export const SAMPLE_SHOP_INTERRUPTIBLE = false;

let shared: Promise<PGlite> | null = null;
let lastTiming: SeedTiming | null = null;

export interface SeedTiming {
  /** starting the PGlite (WASM Postgres) instance */
  bootMs: number;
  /** schema + rows + ANALYZE */
  seedMs: number;
}

/** The shared sample shop database, created and seeded on first use. */
export function getSampleShopDb(): Promise<PGlite> {
  if (!shared) {
    shared = createSampleShopDb().catch((error) => {
      // a failed start must not poison the process: the next call tries again
      shared = null;
      throw error;
    });
  }
  return shared;
}

/** Close the shared database (tests, shutdown); the next get creates a fresh one. */
export async function closeSampleShopDb(): Promise<void> {
  const current = shared;
  shared = null;
  if (current) await (await current).close();
}

/** How long the last sample database took to start and to seed. */
export function sampleShopTiming(): SeedTiming | null {
  return lastTiming;
}

export async function createSampleShopDb(data: ShopData = generateShopData()): Promise<PGlite> {
  const started = performance.now();
  const db = new PGlite();
  await db.waitReady;
  const booted = performance.now();
  await seed(db, data);
  lastTiming = { bootMs: Math.round(booted - started), seedMs: Math.round(performance.now() - booted) };
  return db;
}

async function seed(db: PGlite, data: ShopData): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(SAMPLE_SHOP_DDL);
    // one statement per table: the rows travel as a single JSON parameter, which is
    // far faster than row-by-row inserts and needs no hand-made SQL escaping
    for (const [table, key] of LOAD_ORDER) {
      await tx.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [
        JSON.stringify(data[key]),
      ]);
    }
  });
  // planner statistics make sql.check plans and the cost guard in sql.query realistic
  await db.exec("ANALYZE");
}
