/**
 * The rows of the sample shop, generated from a fixed seed. Kept apart from the
 * database code so the data can be reasoned about (and changed) without PGlite.
 * Numbers: 8 categories, 40 products, 100 customers, 600 orders in 2025, ~1500 items.
 */
import { createRng, type Rng } from "./prng";

export const SHOP_SEED = 20250101;
export const CUSTOMER_COUNT = 100;
export const ORDER_COUNT = 600;

export interface CategoryRow { id: number; name: string }
export interface ProductRow { id: number; name: string; category_id: number; price: string; stock: number; active: boolean }
export interface CustomerRow { id: number; first_name: string; last_name: string; email: string; city: string; country: string; signed_up_on: string }
export interface OrderRow { id: number; customer_id: number; ordered_at: string; status: string; shipping_country: string }
export interface OrderItemRow { id: number; order_id: number; product_id: number; quantity: number; unit_price: string }

export interface ShopData {
  categories: CategoryRow[];
  products: ProductRow[];
  customers: CustomerRow[];
  orders: OrderRow[];
  orderItems: OrderItemRow[];
}

/** category name → [product name, price in euros] */
const CATALOG: Record<string, Array<[string, number]>> = {
  Electronics: [["Wireless Earbuds", 79.9], ["Bluetooth Speaker", 49.5], ["USB-C Charger 65W", 34.99], ["Mechanical Keyboard", 119], ["4K Webcam", 89.9]],
  Books: [["The Pragmatic Gardener", 24.5], ["Learning SQL by Example", 39.9], ["Night Trains of Europe", 18.75], ["A Short History of Maps", 22], ["Cooking for One", 16.9]],
  Kitchen: [["Chef's Knife 20cm", 64.9], ["Cast Iron Skillet", 44.5], ["Pour-Over Coffee Set", 37.8], ["Bamboo Cutting Board", 19.9], ["Electric Kettle", 42]],
  Garden: [["Pruning Shears", 27.5], ["Watering Can 10L", 21.9], ["Herb Seed Kit", 12.99], ["Raised Bed Planter", 89], ["Garden Gloves", 9.9]],
  Sports: [["Yoga Mat", 29.9], ["Adjustable Dumbbells", 149], ["Running Belt", 17.5], ["Jump Rope", 11.9], ["Foam Roller", 24.9]],
  Toys: [["Wooden Train Set", 54.9], ["Puzzle 1000 Pieces", 19.5], ["Building Blocks 500", 44.9], ["Plush Fox", 15.9], ["Kite", 23.5]],
  Clothing: [["Merino Beanie", 29], ["Rain Jacket", 129], ["Wool Socks 3-Pack", 21.5], ["Canvas Tote", 14.9], ["Linen Shirt", 59]],
  Beauty: [["Hand Cream", 9.5], ["Shea Body Lotion", 15.9], ["Beard Oil", 18], ["Lip Balm Set", 8.9], ["Bamboo Hairbrush", 12.5]],
};

const FIRST_NAMES = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Leo", "Sofia", "Hugo", "Chloé", "Mateo", "Ines", "Jonas", "Freya", "Aarav", "Yuki", "Amara", "Ravi", "Elena", "Omar", "Zoe", "Nils", "Lea", "Tariq"];
const LAST_NAMES = ["Martin", "Schmidt", "García", "Rossi", "Dubois", "Jansen", "Novak", "O'Brien", "Kowalski", "Larsen", "Silva", "Müller", "Moreau", "Bianchi", "Andersson", "Costa", "Virtanen", "Nagy", "Fischer", "Lopez"];
/** [city, country]; repeated entries make some places more common, as in a real shop */
const PLACES: Array<[string, string]> = [
  ["Paris", "France"], ["Lyon", "France"], ["Paris", "France"], ["Berlin", "Germany"], ["Munich", "Germany"], ["Hamburg", "Germany"],
  ["Madrid", "Spain"], ["Barcelona", "Spain"], ["Milan", "Italy"], ["Rome", "Italy"], ["Amsterdam", "Netherlands"], ["Utrecht", "Netherlands"],
  ["Stockholm", "Sweden"], ["Lisbon", "Portugal"], ["Vienna", "Austria"], ["Dublin", "Ireland"], ["Warsaw", "Poland"], ["Helsinki", "Finland"],
];

const DAY_MS = 86_400_000;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_END = Date.UTC(2025, 11, 31);
/** relative order volume per month: a quiet summer and a busy November/December */
const MONTH_WEIGHT = [8, 7, 8, 8, 8, 7, 6, 6, 8, 9, 12, 13];

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTimestamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
const money = (n: number) => n.toFixed(2);

export function generateShopData(seed = SHOP_SEED): ShopData {
  const rng = createRng(seed);
  const categories: CategoryRow[] = [];
  const products: ProductRow[] = [];
  for (const [name, items] of Object.entries(CATALOG)) {
    const category = { id: categories.length + 1, name };
    categories.push(category);
    for (const [productName, price] of items) {
      products.push({
        id: products.length + 1,
        name: productName,
        category_id: category.id,
        price: money(price),
        stock: rng.int(0, 250),
        active: rng.next() > 0.08,
      });
    }
  }
  const customers = generateCustomers(rng);
  const { orders, orderItems } = generateOrders(rng, customers, products);
  return { categories, products, customers, orders, orderItems };
}

function generateCustomers(rng: Rng): CustomerRow[] {
  const customers: CustomerRow[] = [];
  const emails = new Set<string>();
  for (let id = 1; id <= CUSTOMER_COUNT; id++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const [city, country] = rng.pick(PLACES);
    const local = `${first}.${last}`.toLowerCase().normalize("NFD").replace(/[^a-z.]/g, "");
    let email = `${local}@example.com`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@example.com`;
    emails.add(email);
    // signed up between 2023-06 and 2025-11, so some customers are new in 2025
    const signedUp = Date.UTC(2023, 5, 1) + rng.int(0, 900) * DAY_MS;
    customers.push({ id, first_name: first, last_name: last, email, city, country, signed_up_on: isoDate(signedUp) });
  }
  return customers;
}

function generateOrders(rng: Rng, customers: CustomerRow[], products: ProductRow[]) {
  const orders: OrderRow[] = [];
  const orderItems: OrderItemRow[] = [];
  // a few loyal customers order much more often than the rest
  const customerWeights = customers.map((c) => [c, rng.next() < 0.15 ? 6 : 1] as const);
  const monthWeights = MONTH_WEIGHT.map((w, m) => [m, w] as const);
  const productWeights = products.map((p) => [p, p.active ? 1 + (p.id % 3) : 0.2] as const);
  const drafts: Array<{ customer: CustomerRow; at: number }> = [];
  for (let i = 0; i < ORDER_COUNT; i++) {
    const customer = rng.weighted(customerWeights);
    const month = rng.weighted(monthWeights);
    const monthStart = Date.UTC(2025, month, 1);
    const monthDays = new Date(Date.UTC(2025, month + 1, 0)).getUTCDate();
    let at = monthStart + rng.int(0, monthDays - 1) * DAY_MS + rng.int(7 * 3600, 23 * 3600) * 1000;
    // nobody orders before signing up
    const signedUp = Date.parse(customer.signed_up_on);
    if (at < signedUp) at = Math.min(YEAR_END, signedUp + rng.int(0, 20) * DAY_MS) + rng.int(7 * 3600, 23 * 3600) * 1000;
    drafts.push({ customer, at: Math.max(at, YEAR_START) });
  }
  // ids follow time, as they would in a real shop
  drafts.sort((a, b) => a.at - b.at);
  for (const { customer, at } of drafts) {
    const id = orders.length + 1;
    const daysBeforeYearEnd = (YEAR_END + DAY_MS - at) / DAY_MS;
    const status =
      daysBeforeYearEnd < 4
        ? rng.weighted([["pending", 3], ["paid", 3], ["shipped", 2]] as const)
        : daysBeforeYearEnd < 12
          ? rng.weighted([["paid", 1], ["shipped", 4], ["delivered", 4], ["cancelled", 1]] as const)
          : rng.weighted([["delivered", 88], ["cancelled", 6], ["refunded", 4], ["shipped", 2]] as const);
    // mostly shipped home, sometimes to a friend abroad
    const shipping_country = rng.next() < 0.93 ? customer.country : rng.pick(PLACES)[1];
    orders.push({ id, customer_id: customer.id, ordered_at: isoTimestamp(at), status, shipping_country });
    const lineCount = rng.weighted([[1, 20], [2, 30], [3, 30], [4, 20]] as const);
    const chosen = new Set<ProductRow>();
    while (chosen.size < lineCount) chosen.add(rng.weighted(productWeights));
    for (const product of chosen) {
      // an occasional 10% or 20% discount on the list price
      const discount = rng.weighted([[1, 85], [0.9, 10], [0.8, 5]] as const);
      orderItems.push({
        id: orderItems.length + 1,
        order_id: id,
        product_id: product.id,
        quantity: rng.weighted([[1, 70], [2, 20], [3, 7], [5, 3]] as const),
        unit_price: money(Number(product.price) * discount),
      });
    }
  }
  return { orders, orderItems };
}
