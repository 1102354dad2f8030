"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { importPlanJson } from "@/lib/server/plans";

const ImportForm = z.object({ json: z.string().max(5_000_000, "The plan is larger than 5 MB.") });

export type ImportState = { error?: string; json?: string };

export async function importPlanAction(_prev: ImportState, form: FormData): Promise<ImportState> {
  const parsed = ImportForm.safeParse({ json: form.get("json") ?? "" });
  if (!parsed.success) return { error: parsed.error.issues[0].message };
  if (!parsed.data.json.trim()) return { error: "Paste a plan's JSON or choose a file first." };
  const result = await importPlanJson(parsed.data.json);
  if (!result.ok) return { error: result.error, json: parsed.data.json };
  redirect(`/plans/${result.planId}`);
}
