/**
 * What Trellis can store, on both databases. Every value of a run (an event's data, a step's
 * input and output, a run's inputs and outputs) is stored as jsonb through Prisma, and:
 * - text cannot hold NUL (U+0000): PostgreSQL refuses it in jsonb and in text alike;
 * - text must be well-formed Unicode: an unpaired UTF-16 surrogate (U+D800–U+DFFF alone)
 *   cannot travel in the JSON request Prisma sends;
 * - that request nests at most about 120 levels, so a value may nest at most
 *   MAX_VALUE_DEPTH levels of arrays and objects;
 * - a BigInt or a circular structure is not JSON at all.
 * A value is stored as JSON.stringify writes it (a Date as its ISO text, a property that is
 * undefined left out, a number that is not finite as null): `toStorable` gives that form, so
 * what the engine keeps in memory is what a resume reads back.
 *
 * What an action returns is checked before its event is queued: an output that cannot be
 * stored fails its step (never the batch it would be written in). Text that only describes
 * (log lines, messages, reasons) is repaired instead: `repairForStorage` puts U+FFFD in place
 * of what cannot be stored.
 */

/** The deepest nesting of arrays and objects a step's output, input or a run's inputs may have. */
export const MAX_VALUE_DEPTH = 100;
/** An event's data wraps those values a few levels deep. */
export const MAX_EVENT_DEPTH = MAX_VALUE_DEPTH + 8;

export type UnstorableReason = "nul" | "lone_surrogate" | "too_deep" | "circular" | "bigint" | "to_json_threw";

export interface Unstorable {
  reason: UnstorableReason;
  /** where, from the root given: `output.body`, `output.items[2]`, `output["a b"]` */
  path: string;
  /** the problem is in the key of the property at `path`, not in its value */
  inKey?: boolean;
  /** e.g. `it holds a NUL character at output.body (text cannot contain \u0000)` */
  message: string;
}

export type StorableResult = { ok: true; value: unknown } | { ok: false; problem: Unstorable };

const SUSPECT = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BAD_CHARS = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_PATH_CHARS = 240;

/** What is wrong with a text for storage, if anything (the first problem in it). */
export function textProblem(s: string): { reason: "nul" | "lone_surrogate"; unit: string } | null {
  if (!SUSPECT.test(s)) return null;
  const nul = s.indexOf("\u0000");
  const lone = LONE_SURROGATE.exec(s);
  if (nul >= 0 && (!lone || nul < lone.index)) return { reason: "nul", unit: "\\u0000" };
  if (lone) return { reason: "lone_surrogate", unit: `\\u${lone[0].charCodeAt(0).toString(16).padStart(4, "0")}` };
  return null;
}

/** The text with NUL and unpaired surrogates replaced by U+FFFD (the same text when there were none). */
export function storableText(s: string): string {
  return SUSPECT.test(s) ? s.replace(BAD_CHARS, "\ufffd") : s;
}

/**
 * Cuts a text to at most `max` UTF-16 units without splitting a surrogate pair (a cut pair
 * would leave half of a character, which cannot be stored).
 */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * The form in which `value` is stored (JSON's), or where and why it cannot be. `root` names
 * the value in paths and messages ("output", "inputs.query").
 */
export function toStorable(value: unknown, root: string, options: { maxDepth?: number } = {}): StorableResult {
  const w = new Walker(false, options.maxDepth ?? MAX_VALUE_DEPTH);
  const out = w.value(value, "");
  return w.problem ? { ok: false, problem: w.describe(root) } : { ok: true, value: out };
}

/** Where and why `value` cannot be stored, or null when it can. */
export function findUnstorable(value: unknown, root: string, options: { maxDepth?: number } = {}): Unstorable | null {
  const r = toStorable(value, root, options);
  return r.ok ? null : r.problem;
}

/**
 * A storable copy of a value that only describes (a log line's data, a failure's details):
 * bad characters become U+FFFD, a BigInt its decimal text, a circular reference or what nests
 * too deep a short text saying so. The same object when nothing needed a change.
 */
export function repairValue(value: unknown, options: { maxDepth?: number } = {}): unknown {
  return new Walker(true, options.maxDepth ?? MAX_VALUE_DEPTH).value(value, "");
}

/**
 * An event whose data can be stored: the same event when it could already be (the usual
 * case, with no copy), else a copy repaired by `repairValue`. The last guard before events are
 * queued; a step's output is checked (and its step failed) before it gets here.
 */
export function repairForStorage<E extends { data?: unknown }>(event: E): E {
  if (event.data === undefined) return event;
  const data = repairValue(event.data, { maxDepth: MAX_EVENT_DEPTH });
  return data === event.data ? event : { ...event, data };
}

type Segment = string | number;

/** One walk in JSON.stringify's order and semantics; copies only what changes. */
class Walker {
  problem: { reason: UnstorableReason; path: Segment[]; inKey: boolean; unit?: string; detail?: string } | null = null;
  private readonly ancestors: object[] = [];
  private readonly path: Segment[] = [];

  constructor(private readonly repair: boolean, private readonly maxDepth: number) {}

  /** The stored form of `v` (undefined: left out of an object, null in an array). */
  value(v: unknown, key: string): unknown {
    if (v !== null && (typeof v === "object" || typeof v === "bigint") && typeof (v as { toJSON?: unknown }).toJSON === "function") {
      try {
        v = (v as { toJSON(key: string): unknown }).toJSON(key);
      } catch (err) {
        if (this.repair) return `[toJSON failed: ${storableText(truncateText(String((err as Error)?.message ?? err), 200))}]`;
        this.fail("to_json_threw", false, undefined, truncateText(String((err as Error)?.message ?? err), 200));
        return undefined;
      }
    }
    if (typeof v === "object" && v !== null && (v instanceof Number || v instanceof String || v instanceof Boolean)) v = v.valueOf();
    switch (typeof v) {
      case "string": {
        const issue = textProblem(v);
        if (!issue) return v;
        if (this.repair) return storableText(v);
        this.fail(issue.reason, false, issue.unit);
        return v;
      }
      case "number":
        return Number.isFinite(v) ? v : null;
      case "boolean":
        return v;
      case "bigint":
        if (this.repair) return v.toString();
        this.fail("bigint", false);
        return undefined;
      case "object":
        return v === null ? null : this.container(v);
      default:
        // undefined, a function, a symbol: not JSON, left out as JSON.stringify leaves them
        return undefined;
    }
  }

  private container(v: object): unknown {
    if (this.ancestors.length >= this.maxDepth) {
      if (this.repair) return `[nested deeper than ${this.maxDepth} levels]`;
      this.fail("too_deep", false);
      return undefined;
    }
    if (this.ancestors.includes(v)) {
      if (this.repair) return "[circular]";
      this.fail("circular", false);
      return undefined;
    }
    this.ancestors.push(v);
    try {
      return Array.isArray(v) ? this.array(v) : this.object(v as Record<string, unknown>);
    } finally {
      this.ancestors.pop();
    }
  }

  private array(v: unknown[]): unknown {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      this.path.push(i);
      let y = this.value(x, String(i));
      this.path.pop();
      if (this.problem) return undefined;
      if (y === undefined) y = null;
      if (!out && y !== x) out = v.slice(0, i);
      if (out) out.push(y);
    }
    return out ?? v;
  }

  private object(v: Record<string, unknown>): unknown {
    const proto = Object.getPrototypeOf(v);
    const plain = proto === Object.prototype || proto === null;
    const keys = Object.keys(v);
    // Anything but a plain object is stored as its own enumerable properties: keep that form.
    let out: Record<string, unknown> | null = plain ? null : {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      this.path.push(k);
      let key = k;
      const keyIssue = textProblem(k);
      if (keyIssue) {
        if (!this.repair) {
          this.fail(keyIssue.reason, true, keyIssue.unit);
          this.path.pop();
          return undefined;
        }
        key = storableText(k);
      }
      const x = v[k];
      const y = this.value(x, k);
      this.path.pop();
      if (this.problem) return undefined;
      if (!out && (y !== x || y === undefined || key !== k)) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j], v[keys[j]]);
      }
      if (out && y !== undefined) setOwn(out, key, y);
    }
    return out ?? v;
  }

  private fail(reason: UnstorableReason, inKey: boolean, unit?: string, detail?: string) {
    this.problem ??= { reason, path: [...this.path], inKey, unit, detail };
  }

  describe(root: string): Unstorable {
    const p = this.problem!;
    const path = formatPath(root, p.path);
    const at = p.inKey ? `in the key at ${path}` : `at ${path}`;
    const message = {
      nul: `it holds a NUL character ${at} (text cannot contain \\u0000)`,
      lone_surrogate: `it holds an unpaired surrogate (${p.unit}) ${at} (text must be well-formed Unicode)`,
      too_deep: `it nests deeper than ${this.maxDepth} levels ${at}`,
      circular: `it refers to itself ${at} (a circular structure is not JSON)`,
      bigint: `it holds a BigInt ${at} (JSON numbers cannot hold it; return a number or a string)`,
      to_json_threw: `its toJSON() failed ${at}: ${storableText(p.detail ?? "")}`,
    }[p.reason];
    return { reason: p.reason, path, ...(p.inKey ? { inKey: true } : {}), message };
  }
}

/** `__proto__` as an own property, like JSON.parse makes it, not the prototype. */
function setOwn(o: Record<string, unknown>, k: string, value: unknown) {
  if (k === "__proto__") Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}

/** `output.items[2]["a b"]`; keys are JSON-quoted, so the path itself is always storable. */
function formatPath(root: string, segments: Segment[]): string {
  let s = root;
  for (const seg of segments) s += typeof seg === "number" ? `[${seg}]` : IDENTIFIER.test(seg) ? `.${seg}` : `[${JSON.stringify(truncateText(seg, 60))}]`;
  if (s.length > MAX_PATH_CHARS) s = `${truncateText(s, MAX_PATH_CHARS / 2)}…${s.slice(s.length - MAX_PATH_CHARS / 2)}`;
  return storableText(s);
}
