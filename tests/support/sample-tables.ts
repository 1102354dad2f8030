/** The bundled samples as tables, for tests that want real data. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { defaultSamplesDir } from "../../lib/actions/samples/catalog";
import { parseCsv } from "../../lib/actions/data/csv";
import { jsonToTable } from "../../lib/actions/data/load-json";
import type { Table } from "../../lib/actions/data/table";

export function salesTable(): Table {
  return parseCsv(readFileSync(path.join(defaultSamplesDir(), "sales.csv"), "utf8"));
}

export function customersTable(): Table {
  return jsonToTable(JSON.parse(readFileSync(path.join(defaultSamplesDir(), "customers.json"), "utf8"))).table;
}
