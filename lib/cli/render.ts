/** Plans, issues, values and tables as terminal text. */
import { bindingLabel, describeType, parallelLayers, type Plan, type ValidationIssue } from "../core";
import type { Colors } from "./output";

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value on one line: text as itself (quoted), anything else as JSON. */
export function inlineValue(value: unknown, max = 120): string {
  if (typeof value === "string") {
    const shown = JSON.stringify(truncate(value, max));
    return value.length > max ? `${shown} (${value.length.toLocaleString("en")} characters)` : shown;
  }
  const json = JSON.stringify(value) ?? "undefined";
  return truncate(json, max);
}

export function issueLines(issues: readonly ValidationIssue[], c: Colors): string[] {
  const lines: string[] = [];
  for (const i of issues) {
    const mark = i.severity === "error" ? c.red("✗ error  ") : i.severity === "warning" ? c.yellow("! warning") : c.dim("· info   ");
    const where = [i.stepId && `step ${i.stepId}`, i.input && `input ${i.input}`, i.output && `output ${i.output}`].filter(Boolean).join(" · ");
    lines.push(`  ${mark} ${where ? `${c.dim(`[${where}]`)} ` : ""}${i.message}`);
    if (i.hint) lines.push(`             ${c.dim(`hint: ${i.hint}`)}`);
    if (i.candidates?.length) lines.push(`             ${c.dim(`did you mean: ${i.candidates.slice(0, 4).map((x) => x.value).join(", ")}`)}`);
  }
  return lines;
}

export function issueCounts(issues: readonly ValidationIssue[]): string {
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.filter((i) => i.severity === "warning").length;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

/** The plan as people read it: goal, inputs, steps by the stage they can run in, outputs. */
export function planLines(plan: Plan, c: Colors, given: Record<string, unknown> = {}): string[] {
  const lines = [`${c.bold("Goal")}   ${plan.goal}`];
  if (plan.flows.length) lines.push(`${c.bold("Flows")}  ${plan.flows.join(", ")}`);
  if (plan.inputs.length) {
    lines.push(c.bold("Inputs"));
    for (const i of plan.inputs) {
      const value = given[i.name] !== undefined ? `= ${inlineValue(given[i.name], 60)}` : i.default !== undefined ? c.dim(`default ${inlineValue(i.default, 60)}`) : i.required === false ? c.dim("optional") : c.yellow("needs a value");
      lines.push(`  ${i.name} ${c.dim(describeType(i.schema))} ${value}${i.description ? c.dim(` · ${i.description}`) : ""}`);
    }
  }
  lines.push(c.bold(`Steps (${plan.steps.length})`));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const width = Math.max(...plan.steps.map((s) => s.id.length), 2);
  parallelLayers(plan.steps).forEach((layer, n) => {
    lines.push(c.dim(`  stage ${n + 1}${layer.length > 1 ? ` · ${layer.length} in parallel` : ""}`));
    for (const id of layer) {
      const s = byId.get(id);
      if (!s) continue;
      const from = Object.entries(s.inputs)
        .filter(([, b]) => b.kind !== "literal")
        .map(([name, b]) => `${name}←${bindingLabel(b).replace(/^\$\{|\}$/g, "")}`);
      lines.push(`    ${s.id.padEnd(width)}  ${c.cyan(s.action)}${s.label ? c.dim(` "${s.label}"`) : ""}${from.length ? c.dim(`  ${truncate(from.join(", "), 100)}`) : ""}`);
    }
  });
  const outputs = Object.entries(plan.outputs);
  if (outputs.length) {
    lines.push(c.bold("Outputs"));
    for (const [name, b] of outputs) lines.push(`  ${name} ${c.dim(`← ${bindingLabel(b)}`)}`);
  }
  return lines;
}

/** Rows as aligned columns. */
export function table(rows: string[][], c: Colors, header?: string[]): string[] {
  const all = header ? [header, ...rows] : rows;
  if (!all.length) return [];
  const plain = (s: string) => s.replace(/\u001b\[\d+m/g, "");
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => plain(r[i] ?? "").length)));
  const fmt = (r: string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat(widths[i] - plain(cell).length))).join("  ").trimEnd();
  return [...(header ? [c.dim(fmt(header))] : []), ...rows.map(fmt)];
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A run's outputs for people: text as blocks, the rest as JSON. */
export function outputLines(outputs: Record<string, unknown> | null | undefined, c: Colors, max = 4000): string[] {
  const entries = Object.entries(outputs ?? {});
  if (!entries.length) return [];
  const lines = [c.bold("Outputs")];
  for (const [name, value] of entries) {
    const text = shortenDataUris(typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? "null");
    if (!text.includes("\n") && text.length <= 100) {
      lines.push(`  ${name}: ${text}`);
      continue;
    }
    lines.push(`  ${name}:`);
    for (const l of truncate(text, max).split("\n")) lines.push(`    ${l}`);
    if (text.length > max) lines.push(c.dim(`    (${text.length.toLocaleString("en")} characters; --json shows all of it)`));
  }
  return lines;
}

/** Embedded images (data: URIs) are unreadable in a terminal: keep their start and size. */
export function shortenDataUris(text: string): string {
  return text.replace(/data:[\w/+.-]+;base64,[A-Za-z0-9+/=]{80,}/g, (uri) => `${uri.slice(0, uri.indexOf(",") + 1)}…(${uri.length.toLocaleString("en")} characters)`);
}
