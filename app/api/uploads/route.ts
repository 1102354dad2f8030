import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { saveUpload } from "@/lib/server/uploads";

export const POST = route(OPERATIONS.uploadFile, ({ body, actor }) => saveUpload(body, actor));
