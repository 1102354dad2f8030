import type { Action } from "@/lib/core/action";
import { checkAction } from "./check";
import { describeTableAction } from "./describe-table";
import { ensureReadOnlyAction } from "./ensure-read-only";
import { generateAction } from "./generate";
import { listTablesAction } from "./list-tables";
import { pickTablesAction } from "./pick-tables";
import { queryAction, queryGeneratedAction } from "./query";
import { trimSchemaAction } from "./trim-schema";
import { draftQueryAction } from "./draft-query";

export { getSampleShopDb, closeSampleShopDb } from "./sample-shop";

/** Isolated steps of these actions run in one worker, which alone holds the sample database. */
export const SAMPLE_DB_LANE = "sample-db";

/** The text-to-SQL flow over the bundled sample shop database. */
export function sqlActions(): Action[] {
  const actions: Action[] = [listTablesAction, describeTableAction, queryAction, checkAction, generateAction, queryGeneratedAction, pickTablesAction, trimSchemaAction, draftQueryAction, ensureReadOnlyAction];
  return actions.map((a) => ({ ...a, lane: SAMPLE_DB_LANE }));
}
