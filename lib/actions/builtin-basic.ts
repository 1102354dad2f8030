/**
 * The built-in actions that do real work without an LLM: data, text, web and files.
 * Those that touch the network or bundled files take their configuration here.
 */
import type { Action } from "@/lib/core/action";
import type { BasicActionOptions } from "./options";
import { loadCsvAction } from "./data/load-csv";
import { loadJsonAction } from "./data/load-json";
import { filterAction } from "./data/filter";
import { sortAction } from "./data/sort";
import { selectAction } from "./data/select";
import { groupAggregateAction } from "./data/group-aggregate";
import { joinAction as joinTablesAction } from "./data/join";
import { columnStatsAction } from "./data/column-stats";
import { chartSvgAction } from "./data/chart-svg";
import { toMarkdownAction } from "./data/to-markdown";
import { writeTableFileAction } from "./data/write-file";
import { templateAction } from "./text/template";
import { regexExtractAction } from "./text/regex-extract";
import { joinAction as joinTextAction, splitAction } from "./text/split-join";
import { markdownReportAction } from "./text/markdown-report";
import { countWordsAction } from "./text/count-words";
import { fetchAction, httpRequestAction } from "./web/http-request";
import { htmlToTextAction } from "./web/html-to-text";
import { extractLinksAction } from "./web/extract-links";
import { readFileAction } from "./files/read";
import { writeFileAction } from "./files/write";
import { listFilesAction } from "./files/list";

export type { BasicActionOptions } from "./options";

export function basicActions(options: BasicActionOptions): Action[] {
  const actions: Action[] = [
    loadCsvAction(options),
    loadJsonAction(options),
    filterAction,
    sortAction,
    selectAction,
    groupAggregateAction,
    joinTablesAction,
    columnStatsAction,
    chartSvgAction,
    toMarkdownAction,
    writeTableFileAction,
    templateAction,
    regexExtractAction,
    splitAction,
    joinTextAction,
    markdownReportAction,
    countWordsAction,
    httpRequestAction(options),
    fetchAction(options),
    htmlToTextAction,
    extractLinksAction,
    readFileAction,
    writeFileAction,
    listFilesAction,
  ];
  return actions;
}
