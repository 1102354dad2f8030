/**
 * The compact text form of bindings that people and LLMs write:
 *   ${inputs.region}                  a plan input
 *   ${steps.load.output}              a step's whole output
 *   ${steps.load.output.rows[0].id}   a path into it
 *   ${steps.load.output.rows.id}      a field of each item of a list: the list of those fields
 *   ${item} / ${item.name}            the current item of a for-each step (see for-each.ts)
 * Anything else is a literal. `parseBindingText` and `printBinding` are inverses.
 */
import { MAX_FIRST_OF, type Binding, type PathSegment, type SingleBinding } from "./binding";

const WHOLE = /^\$\{\s*([^}]*?)\s*\}$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export type BindingParse = { ok: true; binding: Binding } | { ok: false; error: string };

/** Parse a reference expression such as `steps.load.output.rows[0]` (without `${}`). */
export function parseReference(expr: string): BindingParse {
  const segments = splitPath(expr.trim());
  if (!segments) return { ok: false, error: `"${expr}" is not a valid reference path` };
  const [head, ...rest] = segments;
  if (head === "inputs" || head === "input") {
    if (rest.length !== 1 || typeof rest[0] !== "string") {
      return { ok: false, error: `a plan input reference is \${inputs.NAME}, got "\${${expr}}"` };
    }
    return { ok: true, binding: { kind: "input", name: rest[0] } };
  }
  if (head === "steps" || head === "step") {
    const [stepId, maybeOutput, ...path] = rest;
    if (typeof stepId !== "string") return { ok: false, error: `a step reference is \${steps.ID.output}, got "\${${expr}}"` };
    let p: PathSegment[] = [];
    if (maybeOutput === undefined) p = [];
    else if (maybeOutput === "output" || maybeOutput === "outputs") p = path;
    else p = [maybeOutput, ...path];
    return { ok: true, binding: p.length ? { kind: "step", step: stepId, path: p } : { kind: "step", step: stepId } };
  }
  if (head === "item") return { ok: true, binding: rest.length ? { kind: "item", path: rest } : { kind: "item" } };
  return { ok: false, error: `a reference starts with inputs. or steps., got "\${${expr}}"` };
}

/**
 * Parse a value that may be a `${...}` reference, or a merge `{ "firstOf": [ ... ] }` (the first
 * of the listed values that was produced); any other value is a literal.
 */
export function parseBindingText(value: unknown): BindingParse {
  if (typeof value === "string") {
    const m = WHOLE.exec(value.trim());
    if (m) return parseReference(m[1]);
  }
  if (isFirstOfText(value)) {
    const list = value.firstOf;
    if (!list.length || list.length > MAX_FIRST_OF) return { ok: false, error: `"firstOf" lists 1 to ${MAX_FIRST_OF} values` };
    const of: SingleBinding[] = [];
    for (const item of list) {
      const r = parseBindingText(item);
      if (!r.ok) return r;
      if (r.binding.kind === "firstOf") return { ok: false, error: `a "firstOf" cannot hold another "firstOf"` };
      of.push(r.binding);
    }
    return { ok: true, binding: { kind: "firstOf", of } };
  }
  return { ok: true, binding: { kind: "literal", value } };
}

/** `{ "firstOf": [...] }` and nothing else: a merge in text form. */
function isFirstOfText(value: unknown): value is { firstOf: unknown[] } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && Array.isArray((value as { firstOf?: unknown }).firstOf);
}

export function printPath(path: readonly PathSegment[] | undefined): string {
  let out = "";
  for (const seg of path ?? []) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Print a binding in text form; a literal prints as itself. */
export function printBinding(binding: Binding): unknown {
  switch (binding.kind) {
    case "literal":
      return binding.value;
    case "input":
      return `\${inputs.${binding.name}}`;
    case "step":
      return `\${steps.${binding.step}.output${printPath(binding.path)}}`;
    case "item":
      return `\${item${printPath(binding.path)}}`;
    case "firstOf":
      return { firstOf: binding.of.map(printBinding) };
  }
}

/** Print a binding as a short label, literals as JSON. */
export function bindingLabel(binding: Binding): string {
  if (binding.kind === "firstOf") return `first of ${binding.of.map(bindingLabel).join(", ")}`;
  const printed = printBinding(binding);
  return binding.kind === "literal" ? JSON.stringify(printed) ?? "undefined" : String(printed);
}

/** `a.b[0]["x y"]` to segments; null when malformed. */
export function splitPath(text: string): PathSegment[] | null {
  const out: PathSegment[] = [];
  let i = 0;
  const n = text.length;
  const readIdent = () => {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };
  const first = readIdent();
  if (first === null) return null;
  out.push(first);
  while (i < n) {
    const c = text[i];
    if (c === ".") {
      i++;
      const id = readIdent();
      if (id === null) return null;
      out.push(id);
    } else if (c === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) return null;
      const inner = text.slice(i + 1, close).trim();
      i = close + 1;
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else if (/^'[^']*'$/.test(inner)) out.push(inner.slice(1, -1));
      else return null;
    } else return null;
  }
  return out;
}

/**
 * Read a path out of a value; `undefined` when it does not exist. A field name after a list
 * (other than `length`) plucks it, and the rest of the path, from each item: `rows.id` is the
 * list of the rows' ids (an item without it gives null). schemaAtPath types it the same way.
 */
export function readPath(value: unknown, path: readonly PathSegment[] | undefined): unknown {
  let cur = value;
  const segs = path ?? [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (cur === null || typeof cur !== "object") return undefined;
    if (Array.isArray(cur)) {
      if (typeof seg !== "number") {
        if (seg === "length") cur = cur.length;
        else return cur.map((item) => readPath(item, segs.slice(i)) ?? null);
      } else cur = cur[seg];
    } else cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return cur;
}
