/** Plans as JSON files: export a plan, and read one back with every problem named (a parse boundary). */
import { Plan } from "@/lib/core/plan";

export type PlanParse = { ok: true; plan: Plan } | { ok: false; errors: string[] };

export function parsePlanText(text: string): PlanParse {
  if (!text.trim()) return { ok: false, errors: ["Paste a plan's JSON or choose a file first."] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`This is not valid JSON: ${(err as Error).message}`] };
  }
  // An exported version ({ plan, ... }) reads as its plan.
  const candidate = typeof raw === "object" && raw !== null && !Array.isArray(raw) && "plan" in raw && !("steps" in raw) ? (raw as { plan: unknown }).plan : raw;
  const parsed = Plan.safeParse(candidate);
  if (parsed.success) return { ok: true, plan: parsed.data };
  return { ok: false, errors: parsed.error.issues.slice(0, 10).map((i) => `${i.path.map(String).join(".") || "(top level)"}: ${i.message}`) };
}

export function planFileName(title: string, version: number): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "plan";
  return `${slug}-v${version}.json`;
}

export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
