import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { me } from "@/lib/server/accounts";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getMe, ({ actor }) => me(actor));
