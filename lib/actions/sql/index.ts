import type { Action } from "@/lib/core/action";
import { checkAction } from "./check";
import { describeTableAction } from "./describe-table";
import { generateAction } from "./generate";
import { listTablesAction } from "./list-tables";
import { queryAction, queryGeneratedAction } from "./query";

export { getSampleShopDb, closeSampleShopDb } from "./sample-shop";

/** Isolated steps of these actions run in one worker, which alone holds the sample database. */
export const SAMPLE_DB_LANE = "sample-db";

/** The text-to-SQL flow over the bundled sample shop database. */
export function sqlActions(): Action[] {
  const actions: Action[] = [listTablesAction, describeTableAction, queryAction, checkAction, generateAction, queryGeneratedAction];
  return actions.map((a) => ({ ...a, lane: SAMPLE_DB_LANE }));
}
