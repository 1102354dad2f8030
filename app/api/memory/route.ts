import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { listMemory } from "@/lib/server/memory";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.listMemory, () => listMemory());
