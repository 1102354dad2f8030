import { describe, expect, it } from "vitest";
import { SAMPLE_SHOP_SCHEMA } from "@/lib/actions/sql/schema-summary";
import { schemaIn, writeCountSql, writeLatestSql, writeRankingSql, writeSql } from "./sql-writer";

const LIBRARY = "Runs SQL. Schema: authors(id integer primary key, name text, country text) | books(id integer primary key, author_id integer → authors.id, pages integer, genre text in novel/poetry/essay) | loans(id integer primary key, book_id integer → books.id, days integer) — Loans; loan length (borrowing time) = days.";

describe("the ranking query writer", () => {
  it("reads tables, keys, values and documented measures from a description", () => {
    const tables = schemaIn(LIBRARY);
    expect(tables.map((t) => t.name)).toEqual(["authors", "books", "loans"]);
    expect(tables[1].columns.find((c) => c.name === "author_id")).toMatchObject({ ref: { table: "authors", column: "id" } });
    expect(tables[1].columns.find((c) => c.name === "genre")?.values).toEqual(["novel", "poetry", "essay"]);
    expect(tables[2].measures).toEqual([{ names: ["loan length", "borrowing time"], expr: ["days"] }]);
    expect(schemaIn("A tool without a schema.")).toEqual([]);
  });

  it("writes top-N queries over a schema it has never seen, joining along foreign keys", () => {
    const tables = schemaIn(LIBRARY);
    expect(writeRankingSql("Which 2 authors have the most pages in total?", tables)?.sql).toBe(
      "SELECT a.id, a.name, ROUND(SUM(b.pages), 2) AS total_pages\nFROM authors a\nJOIN books b ON b.author_id = a.id\nGROUP BY a.id, a.name\nORDER BY total_pages DESC\nLIMIT 2",
    );
    const longest = writeRankingSql("the 5 books with the highest total borrowing time among poetry", tables);
    expect(longest?.sql).toContain("ROUND(SUM(l.days), 2) AS total_borrowing_time");
    expect(longest?.sql).toContain("WHERE b.genre = 'poetry'");
    expect(longest?.sql).toContain("JOIN loans l ON l.book_id = b.id");
    expect(writeRankingSql("the 3 authors with the lowest average pages", tables)?.sql).toMatch(/AVG\(b\.pages\).*\n[\s\S]*ORDER BY average_pages ASC\nLIMIT 3$/);
  });

  it("writes nothing when the words are not a ranking question over the schema", () => {
    const tables = schemaIn(LIBRARY);
    expect(writeRankingSql("list the tables", tables)).toBeUndefined();
    expect(writeRankingSql("the top 3 planets by mass", tables)).toBeUndefined();
    expect(writeRankingSql("top 3 authors", [])).toBeUndefined();
  });

  it("reads the sample shop's schema as its query action documents it", () => {
    const tables = schemaIn(SAMPLE_SHOP_SCHEMA);
    expect(tables.map((t) => t.name)).toEqual(["categories", "products", "customers", "orders", "order_items"]);
    expect(writeRankingSql("top 5 products by revenue", tables)?.sql).toContain("ROUND(SUM(oi.quantity * oi.unit_price), 2) AS total_revenue");
  });

  it("leaves out rows a status column marks cancelled or refunded, joining the parent that carries it, unless the question names a status", () => {
    const shop = schemaIn(SAMPLE_SHOP_SCHEMA);
    expect(writeRankingSql("Find the 3 customers with the highest total order value", shop)?.sql).toContain("WHERE o.status NOT IN ('cancelled', 'refunded')");
    // Products reach order lines only; the lines' orders are joined for their status.
    const products = writeRankingSql("top 5 products by revenue", shop)?.sql;
    expect(products).toContain("JOIN orders o ON o.id = oi.order_id\nWHERE o.status NOT IN ('cancelled', 'refunded')");
    expect(writeRankingSql("the 3 customers with the highest order value of cancelled orders", shop)?.sql).toContain("WHERE o.status = 'cancelled'");
    // A schema it has never seen: any column documented to take such values, by any name.
    const billing = schemaIn("Schema: clients(id integer primary key, name text) | invoices(id integer primary key, client_id integer → clients.id, amount numeric, state text in open/paid/voided)");
    expect(writeRankingSql("the 2 clients with the highest total amount", billing)?.sql).toContain("WHERE i.state NOT IN ('voided')");
    // Nothing to leave out: no filter.
    expect(writeRankingSql("Which 2 authors have the most pages in total?", schemaIn(LIBRARY))?.sql).not.toContain("WHERE");
  });
});

describe("counts and the newest rows", () => {
  const shop = schemaIn(SAMPLE_SHOP_SCHEMA);
  it("counts a table's rows, filtered by a value the question names", () => {
    expect(writeCountSql("How many customers are in the shop database?", shop)?.sql).toBe("SELECT COUNT(*) AS customers_count\nFROM customers");
    expect(writeCountSql("How many orders were cancelled?", shop)?.sql).toBe("SELECT COUNT(*) AS orders_count\nFROM orders\nWHERE orders.status = 'cancelled'");
    expect(writeCountSql("the number of books", schemaIn(LIBRARY))?.sql).toBe("SELECT COUNT(*) AS books_count\nFROM books");
    // No table named after the cue: nothing is written.
    expect(writeCountSql("How many times did it rain?", shop)).toBeUndefined();
  });

  it("orders a table by its date or time column for the newest or oldest rows", () => {
    expect(writeLatestSql("Show the 10 most recent orders", shop)?.sql).toBe("SELECT *\nFROM orders\nORDER BY ordered_at DESC\nLIMIT 10");
    expect(writeLatestSql("the 5 oldest customers", shop)?.sql).toBe("SELECT *\nFROM customers\nORDER BY signed_up_on ASC\nLIMIT 5");
    // A table without a date or time column has no newest rows.
    expect(writeLatestSql("the latest categories", shop)).toBeUndefined();
  });

  it("tries a ranking first, then the newest rows, then a count", () => {
    expect(writeSql("the 3 customers with the highest total order value", shop)?.sql).toMatch(/ORDER BY total_order_value DESC\nLIMIT 3$/);
    expect(writeSql("the latest 2 orders", shop)?.sql).toMatch(/ORDER BY ordered_at DESC\nLIMIT 2$/);
    expect(writeSql("how many products", shop)?.sql).toBe("SELECT COUNT(*) AS products_count\nFROM products");
    expect(writeSql("hello there", shop)).toBeUndefined();
  });
});
