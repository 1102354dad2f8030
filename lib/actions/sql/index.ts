import type { Action } from "@/lib/core/action";
import { checkAction } from "./check";
import { describeTableAction } from "./describe-table";
import { generateAction } from "./generate";
import { listTablesAction } from "./list-tables";
import { queryAction, queryGeneratedAction } from "./query";

export { getSampleShopDb, closeSampleShopDb } from "./sample-shop";

/** The text-to-SQL flow over the bundled sample shop database. */
export function sqlActions(): Action[] {
  return [listTablesAction, describeTableAction, queryAction, checkAction, generateAction, queryGeneratedAction];
}
