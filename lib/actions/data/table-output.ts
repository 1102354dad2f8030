import { z } from "zod";
import { Table } from "./table";

/** What every table-transforming action returns, so its `table` wires into the next one. */
export const TableOutput = z.object({
  table: Table,
  rowCount: z.number().int().min(0).describe("Number of rows in the resulting table"),
});

/** What the loaders return: a table plus where it came from. */
export const LoadedTableOutput = z.object({
  table: Table,
  rowCount: z.number().int().min(0).describe("Number of rows loaded"),
  origin: z.string().describe('Where the data came from: a workspace path, "sample:NAME" or the final URL'),
});
