/**
 * Plans as JSON files: export a plan. The import dialog reads plan files with
 * lib/contract/plan-file (`readPlanFile`: every form, the same messages as the API and the CLI).
 */
export function planFileName(title: string, version: number): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60).replace(/^-|-$/g, "") || "plan";
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
