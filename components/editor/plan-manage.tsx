"use client";
/**
 * Archive or delete the plan. Archiving hides it from the plans list and the runs filter and
 * keeps everything; deleting removes its versions and, after a confirmation that counts them,
 * its runs. A plan with a run that has not ended cannot be deleted (the server refuses it too).
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { PlanDetail } from "./api";
import { useArchivePlan, useDeletePlan, usePublishPlan } from "./plan-bridge";

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export function PlanManage({ detail }: { detail: PlanDetail }) {
  const router = useRouter();
  const archive = useArchivePlan(detail.plan.id);
  const remove = useDeletePlan(detail.plan.id);
  const publish = usePublishPlan(detail.plan.id);
  const published = detail.plan.published === true;
  const [confirming, setConfirming] = useState(false);
  const { total, active } = detail.plan.runs;
  const archived = detail.plan.archivedAt !== null;
  const error = (archive.error ?? remove.error ?? publish.error)?.message;
  const what = [plural(detail.latest.number, "version"), ...(total ? [plural(total, "run")] : [])].join(" and ");

  return (
    <div className="stack" style={{ gap: 12 }} data-testid="plan-manage">
      <div className="stack" style={{ gap: 6 }} data-testid="plan-publishing">
        <b>Use as an action and an MCP tool</b>
        <p className="subtle">
          {detail.plan.slug
            ? <>Other plans use it as the action <code>plan.{detail.plan.slug}</code>. {published ? <>Published: MCP clients of <code>/api/mcp</code> see it as the tool <code>{detail.plan.slug}</code>.</> : "Publish it to offer it as a tool of its own at /api/mcp."}</>
            : "Declare plan inputs and named outputs, and save: other plans can then use it as a step, and it can be published as an MCP tool."}
        </p>
        <label className="row" style={{ gap: 8 }}>
          <input type="checkbox" checked={published} disabled={publish.isPending || (!published && !detail.plan.slug)} onChange={(e) => publish.mutate(e.target.checked)} data-testid="publish-plan" />
          Published as an MCP tool
        </label>
      </div>
      <div className="stack" style={{ gap: 6 }}>
        <b>{archived ? "Archived" : "Archive"}</b>
        <p className="subtle">
          {archived
            ? "This plan is left out of the plans list and the runs filter. It can still be opened, edited and run."
            : "Leave this plan out of the plans list and the runs filter, keeping its versions and runs. It can be brought back."}
        </p>
        <button type="button" className="button" disabled={archive.isPending} onClick={() => archive.mutate(!archived)} data-testid={archived ? "unarchive-plan" : "archive-plan"}>
          {archived ? "Unarchive" : "Archive plan"}
        </button>
      </div>
      <div className="stack" style={{ gap: 6 }}>
        <b>Delete</b>
        {active ? (
          <p className="notice warning" data-testid="delete-blocked">
            {active === 1 ? "A run of this plan has" : `${active} runs of this plan have`} not ended. Cancel {active === 1 ? "it" : "them"} or let {active === 1 ? "it" : "them"} finish before deleting the plan. <Link href={`/runs?planId=${detail.plan.id}&archived=include`}>See its runs</Link>
          </p>
        ) : confirming ? (
          <div className="notice danger stack" style={{ gap: 8 }} data-testid="delete-confirm">
            <span>Delete “{detail.plan.title}” with its {what}? This cannot be undone.</span>
            <div className="row" style={{ gap: 8 }}>
              <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate(total > 0, { onSuccess: () => router.push("/?deleted=1") })} data-testid="delete-plan-confirm">
                {remove.isPending ? "Deleting…" : total ? `Delete plan and ${plural(total, "run")}` : "Delete plan"}
              </button>
              <button type="button" className="button ghost" onClick={() => setConfirming(false)}>Keep it</button>
            </div>
          </div>
        ) : (
          <>
            <p className="subtle">Remove this plan and its {what} for good{total ? "; archiving keeps them" : ""}.</p>
            <button type="button" className="button danger" onClick={() => setConfirming(true)} data-testid="delete-plan">Delete plan…</button>
          </>
        )}
      </div>
      {error ? <div className="error-box" role="alert">{error}</div> : null}
    </div>
  );
}
