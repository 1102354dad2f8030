import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { forgetMemory } from "@/lib/server/memory";

export const dynamic = "force-dynamic";

export const DELETE = route(OPERATIONS.forgetMemory, ({ params }) => forgetMemory(params.id));
