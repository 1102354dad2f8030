/**
 * A plan file: the one way text or JSON becomes a Plan, wherever it comes from (the import
 * page, the editor's import dialog, POST /api/plans/import, the CLI's plan files). It accepts
 *
 *   1. the plan IR itself: `{ goal, flows, inputs, steps, outputs }` with binding objects;
 *   2. an exported version or API answer that holds one: `{ plan, ...anything }` (a download,
 *      a version `{ id, number, plan, issues, ... }`), `{ version: { plan, ... } }` (a version or
 *      save answer) or `{ latest: { plan, ... } }` (a plan's detail);
 *   3. the compact form people write: bindings as text (`"${inputs.region}"`,
 *      `"${steps.load.output.table}"`, any other value a literal), flows, inputs and outputs
 *      optional.
 *
 * and names what is wrong in the same words everywhere: where the JSON breaks (line and
 * column), or which field is not right and why.
 */
import { z } from "zod";
import { isObject } from "../core/json-schema";
import { Plan, type PathSegment } from "../core/plan";
import { expandCompactPlan, planPathLabel, type PlanIssueAt } from "../templates/compact-plan";

/** Which form the plan was written in. */
export type PlanFileForm = "plan" | "compact" | "exported";

/** One problem: where (`path` as people read it, `at` as segments into the JSON) and why. */
export interface PlanFileIssue {
  path: string;
  at: PathSegment[];
  message: string;
}

export interface PlanFileError {
  /** one line (or a few) that says what is wrong; the same text in the browser, the API and the CLI */
  message: string;
  issues?: PlanFileIssue[];
  /** where the JSON breaks, when it is not JSON */
  position?: { offset: number; line: number; column: number };
}

export type PlanFileRead = { ok: true; plan: Plan; form: PlanFileForm } | { ok: false; error: PlanFileError };

export interface PlanFileOptions {
  /** what the text is called in messages (a file name); "This" by default */
  name?: string;
}

/** How many issues a message spells out; the rest are counted. */
const SHOWN = 5;
/** How deep wrappers may nest (`{ plan: { plan: ... } }`). */
const MAX_WRAPPERS = 4;

const NOT_A_PLAN = 'expected a plan: a JSON object with "goal" and "steps" (or an exported version that holds one in "plan")';

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return "a string";
  if (typeof value === "object") return "an object without them";
  return `a ${typeof value}`;
}

const looksLikePlan = (v: Record<string, unknown>) => "goal" in v || "steps" in v;
const holdsPlan = (v: unknown): v is Record<string, unknown> => isObject(v) && (looksLikePlan(v) || "plan" in v || isObject(v.version) || isObject(v.latest));

/** Finds the plan in a value: the value itself, or the plan an exported version holds. */
function locate(raw: unknown, at: PathSegment[] = []): { value: unknown; at: PathSegment[] } | PlanFileIssue {
  if (isObject(raw) && at.length < MAX_WRAPPERS * 2) {
    if (looksLikePlan(raw)) return { value: raw, at };
    if (holdsPlan(raw.plan)) return locate(raw.plan, [...at, "plan"]);
    if (isObject(raw.version) && "plan" in raw.version) return locate(raw.version.plan, [...at, "version", "plan"]);
    if (isObject(raw.latest) && "plan" in raw.latest) return locate(raw.latest.plan, [...at, "latest", "plan"]);
    if ("plan" in raw) return locate(raw.plan, [...at, "plan"]);
  }
  return { path: at.map(String).join("."), at, message: `${NOT_A_PLAN}, got ${kindOf(raw)}` };
}

type Converted = { ok: true; plan: Plan; form: PlanFileForm } | { ok: false; issues: PlanFileIssue[] };

/** The plan in an already-parsed JSON value, or every problem with its path. */
function convert(raw: unknown): Converted {
  const found = locate(raw);
  if ("message" in found) return { ok: false, issues: [found] };
  const expanded = expandCompactPlan(found.value);
  if (!expanded.ok) {
    const prefix = found.at.map(String);
    return {
      ok: false,
      issues: expanded.issues.map((i: PlanIssueAt) => ({
        path: [...prefix, planPathLabel(found.value, i.at)].filter(Boolean).join("."),
        at: [...found.at, ...i.at],
        message: i.message,
      })),
    };
  }
  const form: PlanFileForm = found.at.length ? "exported" : Plan.safeParse(found.value).success ? "plan" : "compact";
  return { ok: true, plan: expanded.plan, form };
}

function notAPlan(subject: string, issues: PlanFileIssue[]): PlanFileError {
  const shown = issues.slice(0, SHOWN).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > SHOWN ? ` (and ${issues.length - SHOWN} more)` : "";
  return { message: `${subject} is not a Trellis plan: ${shown.join("; ")}${more}`, issues };
}

/**
 * The schema of a plan file: parses any of the three forms to the plan IR. Its issues carry
 * their paths into the value (through a wrapper when there is one), so it can sit in a body
 * schema (`{ plan: PlanFile }`) and still say which field is wrong.
 */
export const PlanFile = z
  .unknown()
  .transform((raw, ctx): Plan => {
    const r = convert(raw);
    if (r.ok) return r.plan;
    for (const i of r.issues) ctx.addIssue({ code: "custom", message: i.message, path: i.at });
    return z.NEVER;
  })
  .meta({
    title: "PlanFile",
    description:
      "A plan in any of its file forms: the plan IR; an exported version or API answer holding it ({ plan, ... }, { version: { plan } }, { latest: { plan } }); or the compact form, whose bindings are text (\"${inputs.x}\", \"${steps.a.output.path}\", anything else a literal) and whose flows, inputs and outputs may be left out.",
  });

/** A parsed JSON value (a request body, say) as a plan, with the messages readPlanFile gives. */
export function planFromJson(raw: unknown, options: PlanFileOptions = {}): PlanFileRead {
  const r = convert(raw);
  return r.ok ? r : { ok: false, error: notAPlan(options.name ?? "This", r.issues) };
}

/** Reads a plan file's text: JSON in any of the plan file forms. */
export function readPlanFile(text: string, options: PlanFileOptions = {}): PlanFileRead {
  const subject = options.name ?? "This";
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) return { ok: false, error: { message: `${subject} is empty: a plan is a JSON object with a goal and steps.` } };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    const where = jsonSyntaxError(body);
    if (!where) return { ok: false, error: { message: `${subject} is not valid JSON: ${(err as Error).message}` } };
    const position = { offset: where.offset, ...lineAndColumn(body, where.offset) };
    return { ok: false, error: { message: `${subject} is not valid JSON: ${where.why} (line ${position.line}, column ${position.column}).`, position } };
  }
  return planFromJson(raw, options);
}

// ---- where JSON breaks, in the same words in every JavaScript engine ----

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

class JsonStop {
  constructor(readonly offset: number, readonly why: string) {}
}

/** The first syntax error in `text` (which JSON.parse refused), or undefined if none is found. */
export function jsonSyntaxError(text: string): { offset: number; why: string } | undefined {
  const n = text.length;
  let i = 0;
  const found = (at: number) => (at >= n ? "the text ends" : `found ${JSON.stringify(text[at])}`);
  const fail = (why: string, at = i): never => {
    throw new JsonStop(at, why);
  };
  const space = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const string = () => {
    const start = i;
    i++;
    for (;;) {
      if (i >= n) fail("a string is not closed", start);
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail("a string has an invalid escape");
      } else if (c < " ") fail(c === "\n" || c === "\r" ? "a string is not closed before the end of the line" : "a string holds a control character");
      else i++;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number): void => {
    if (depth > 5000) throw new JsonStop(-1, "");
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(text[i] === "}" ? 'a comma before "}" has nothing after it' : `expected a property name in double quotes, ${found(i)}`);
        string();
        space();
        if (text[i] !== ":") fail(`expected ":" after a property name, ${found(i)}`);
        i++;
        value(depth + 1);
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return;
        }
        fail(`expected "," or "}", ${found(i)}`);
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] === "]") fail('a comma before "]" has nothing after it');
        value(depth + 1);
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return;
        }
        fail(`expected "," or "]", ${found(i)}`);
      }
    }
    if (c === '"') return string();
    if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m || m[0] === "-") fail("a number is malformed");
      i += m![0].length;
      return;
    }
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail(`expected a value, ${found(i)}`);
  };
  try {
    value(0);
    space();
    if (i < n) fail(`expected the end after the JSON value, ${found(i)}`);
    return undefined;
  } catch (err) {
    if (err instanceof JsonStop) return err.offset < 0 ? undefined : { offset: err.offset, why: err.why };
    throw err;
  }
}
