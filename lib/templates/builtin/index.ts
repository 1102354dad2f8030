/** The templates that ship with Trellis, in the order the templates page shows them. */
import type { Template } from "../template";
import { csvReport } from "./csv-report";
import { sqlAnswer } from "./sql-answer";
import { sqlOrGeneral } from "./sql-or-general";
import { webDigest } from "./web-digest";
import { webLinks } from "./web-links";

export const builtinTemplates: readonly Template[] = [csvReport, sqlAnswer, sqlOrGeneral, webDigest, webLinks];
