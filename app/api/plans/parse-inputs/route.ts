/**
 * POST /api/plans/parse-inputs: read plan input values out of free text.
 * Body: { message, planId } (the plan's inputs that still need values) or { message, inputs: [{ name, schema, description? }] }; optional names.
 */
import { ParseInputsBody, parsePlanInputs } from "@/lib/server/planning";
import { handle, readJsonBody } from "../../_lib/respond";

export const dynamic = "force-dynamic";

export const POST = handle(async (request: Request) => parsePlanInputs(await readJsonBody(request, ParseInputsBody)));
