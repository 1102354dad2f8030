/** `--replan`, `--replan-ask` and `--max-replans n`: the run option `replan` from the command line. */
import { MAX_REPLANS, type ReplanOptions } from "../core";
import { CliError, ExitCode } from "./exit-codes";

export const REPLAN_OPTIONS = { replan: { type: "boolean" }, "replan-ask": { type: "boolean" }, "max-replans": { type: "string" } } as const;

export const REPLAN_HELP = [
  "--replan         when a step fails for good, re-plan what has not run and go on (finished steps are kept)",
  "--replan-ask     the same, but each re-plan waits for a person to accept it (exits 6 while it waits)",
  `--max-replans n  how many re-plans the run may have (default 1, at most ${MAX_REPLANS})`,
];

export function replanChoice(values: { replan?: boolean; "replan-ask"?: boolean; "max-replans"?: string }): ReplanOptions | undefined {
  if (!values.replan && !values["replan-ask"] && values["max-replans"] === undefined) return undefined;
  const raw = values["max-replans"];
  const max = raw === undefined ? 1 : Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > MAX_REPLANS) throw new CliError(ExitCode.usage, `--max-replans takes a whole number from 1 to ${MAX_REPLANS}.`);
  return { onFailure: true, maxReplans: max, approve: values["replan-ask"] ? "ask" : "auto" };
}
