/**
 * Whether a step waits for a person before it runs, and why (ApprovalReason). The plan's step
 * may ask for approval or waive its action's and the run's write approval (`approval: false`);
 * it cannot waive "approve outgoing calls", which a person chose for the run, since a plan is
 * not trusted to say what it sends out.
 */
import { sendsOutside, type Action } from "./action";
import type { ApprovalReason } from "./events";
import type { Step } from "./plan";
import type { RunOptions } from "./run-options";

export function approvalReasons(step: Pick<Step, "approval">, action: Pick<Action, "spec" | "effect" | "egress">, options: Pick<RunOptions, "approveWrites" | "approveOutgoing">, input: unknown): ApprovalReason[] {
  const reasons: ApprovalReason[] = [];
  if (step.approval === true) reasons.push("step");
  else if (step.approval === undefined) {
    if (action.spec.approval) reasons.push("action");
    if (options.approveWrites && action.effect === "write") reasons.push("writes");
  }
  if (options.approveOutgoing && sendsOutside(action, input)) reasons.push("outgoing");
  return reasons;
}

export const APPROVAL_REASON_TEXT: Record<ApprovalReason, string> = {
  step: "the plan asks for approval of this step",
  action: "its action always asks for approval",
  writes: "the run approves writes, and this step writes",
  outgoing: "the run approves outgoing calls, and this step sends data outside Trellis",
};
