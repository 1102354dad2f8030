/**
 * What action descriptions document: example values in quotes ("sales.csv", "out/report.md")
 * and, next to a dataset, the columns it has and the values some of them take
 * ("columns order_id, region (North/South/East/West), revenue"). The offline planner uses an
 * example only when the goal names it, and the columns to fill column-shaped inputs.
 */
import type { ActionSpec } from "../../core/action";
import { isObject } from "../../core/json-schema";
import { normalizeWord, terms } from "../text/tokens";

export interface Example {
  value: string;
  terms: string[];
  /** the text that follows the example in the description, up to the next example */
  context: string;
}

/** Quoted example values in the action's description and in its input's description. */
export function examplesFor(spec: ActionSpec, inputName: string): Example[] {
  const props = isObject(spec.input.properties) ? spec.input.properties : {};
  const own = props[inputName];
  const texts = [isObject(own) && typeof own.description === "string" ? own.description : "", spec.description];
  const out: Example[] = [];
  // Unquoted "e.g. orders" in the input's own description.
  const eg = /\be\.g\.\s+([A-Za-z0-9_./:-]+[A-Za-z0-9_/])/.exec(texts[0]);
  if (eg && !eg[1].includes('"')) {
    out.push({ value: eg[1], terms: terms(eg[1]), context: "" });
  }
  for (const text of texts) {
    const matches = [...text.matchAll(/"([^"\n]{2,80})"/g)];
    matches.forEach((m, i) => {
      const value = m[1];
      // JSON keys and single words are not values worth reusing; names with a dot or slash are.
      if (!/[./:]/.test(value) || /\s/.test(value)) return;
      const next = matches[i + 1]?.index ?? text.length;
      const context = text.slice(m.index + m[0].length, next);
      const known = out.find((e) => e.value === value);
      if (known) known.context += ` ${context}`;
      else out.push({ value, terms: terms(value), context });
    });
  }
  return out;
}

/** Words in example paths that say nothing about which one is meant: folders and file extensions. */
const FILLER = new Set(["out", "output", "tmp", "temp", "data", "file", "path", "dir", "folder", "sample", "csv", "tsv", "json", "md", "txt", "svg", "png", "html", "xml", "yaml", "yml", "http", "https", "www", "com", "example"].map(normalizeWord));

/**
 * The example the text names: every meaningful term of it (not a folder or extension word)
 * appears in the text. Ties go to the example with the most named terms, then the one whose
 * description says the most (a dataset with its columns), then the shortest.
 */
export function exampleNamedIn(examples: readonly Example[], textTerms: ReadonlySet<string>, exclude: ReadonlySet<string> = new Set()): Example | undefined {
  let best: { ex: Example; named: number; columns: number } | undefined;
  for (const ex of examples) {
    const meaningful = ex.terms.filter((t) => !exclude.has(t) && !FILLER.has(t));
    if (!meaningful.length || !meaningful.every((t) => textTerms.has(t))) continue;
    const columns = columnsIn(ex.context).length;
    const better = !best || meaningful.length > best.named || (meaningful.length === best.named && (columns > best.columns || (columns === best.columns && ex.value.length < best.ex.value.length)));
    if (better) best = { ex, named: meaningful.length, columns };
  }
  return best?.ex;
}

export interface ColumnInfo {
  name: string;
  /** values named in parentheses, e.g. North/South/East/West */
  values: string[];
}

/** Columns listed after "columns" or "fields" in a description fragment. */
export function columnsIn(text: string): ColumnInfo[] {
  const m = /\b(?:columns|fields)\s*:?\s+([^;]*)/i.exec(text);
  if (!m) return [];
  const out: ColumnInfo[] = [];
  // Split at commas that are not inside parentheses.
  let depth = 0;
  let cur = "";
  const parts: string[] = [];
  for (const c of m[1]) {
    if (c === "(") depth++;
    if (c === ")") {
      if (depth === 0) break;
      depth--;
    }
    if (c === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  for (const part of parts) {
    const pm = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^)]*)\))?/.exec(part);
    if (!pm) continue;
    const values = pm[2] && pm[2].includes("/") && !/[0-9]{4}/.test(pm[2]) ? pm[2].split("/").map((v) => v.trim()).filter(Boolean) : [];
    out.push({ name: pm[1], values });
  }
  return out;
}
