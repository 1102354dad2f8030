/**
 * The text form of step conditions, parsed and printed both ways:
 *
 *   ${steps.classify.output.label} == "sql"
 *   ${steps.score.output.value} >= 0.5 and not (${inputs.mode} in ["draft", "test"])
 *   exists ${steps.lookup.output.row} or ${inputs.force} == true
 *
 * Operands are references (`${inputs.NAME}`, `${steps.ID.output.path}`) or JSON literals
 * (strings in double quotes, numbers, true, false, null, lists, objects). `not` binds
 * tightest, then `and`, then `or`; parentheses group. `parseCondition(printCondition(c))`
 * gives `c` back.
 */
import { parseReference, printBinding } from "./binding-text";
import type { SingleBinding } from "./binding";
import { Condition, MAX_CONDITION_DEPTH, type CompareOp } from "./condition";

/** The longest condition text accepted. */
export const MAX_CONDITION_TEXT = 4000;

export type ConditionParse = { ok: true; condition: Condition } | { ok: false; error: string; at?: number };

type Token =
  | { t: "ref"; text: string; at: number }
  | { t: "lit"; value: unknown; at: number }
  | { t: "op"; op: CompareOp; at: number }
  | { t: "word"; word: "and" | "or" | "not" | "exists"; at: number }
  | { t: "("; at: number }
  | { t: ")"; at: number };

class ParseError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

export function parseCondition(text: string): ConditionParse {
  if (text.length > MAX_CONDITION_TEXT) return { ok: false, error: `a condition is at most ${MAX_CONDITION_TEXT} characters` };
  try {
    const tokens = tokenize(text);
    if (!tokens.length) return { ok: false, error: "the condition is empty", at: 0 };
    const p = new Parser(tokens, text.length);
    const c = p.or(0);
    p.end();
    const checked = Condition.safeParse(c);
    if (!checked.success) return { ok: false, error: checked.error.issues[0]?.message ?? "not a condition" };
    return { ok: true, condition: checked.data };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message, at: err.at };
    throw err;
  }
}

const WORDS = new Set(["and", "or", "not", "exists", "in", "true", "false", "null"]);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    if (c === "$" && text[i + 1] === "{") {
      const close = text.indexOf("}", i);
      if (close < 0) throw new ParseError("a reference ${...} is not closed", at);
      out.push({ t: "ref", text: text.slice(i + 2, close), at });
      i = close + 1;
    } else if (c === "(" || c === ")") {
      out.push({ t: c, at });
      i++;
    } else if ("=!<>".includes(c)) {
      const two = text.slice(i, i + 2);
      if (two === "==" || two === "!=" || two === "<=" || two === ">=") { out.push({ t: "op", op: two, at }); i += 2; }
      else if (c === "<" || c === ">") { out.push({ t: "op", op: c, at }); i++; }
      else throw new ParseError(`"${c}" is not an operator; use ==, !=, <, <=, >, >=, in, exists, and, or, not`, at);
    } else if (c === '"' || c === "[" || c === "{" || c === "-" || /[0-9]/.test(c)) {
      const end = c === '"' ? stringEnd(text, i) : c === "[" || c === "{" ? bracketEnd(text, i) : numberEnd(text, i);
      try {
        out.push({ t: "lit", value: JSON.parse(text.slice(i, end)), at });
      } catch {
        throw new ParseError(`"${text.slice(i, end)}" is not a value (strings are in double quotes, lists in [ ])`, at);
      }
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      if (!WORDS.has(m)) throw new ParseError(`"${m}" is not a value or a word of conditions; strings are in double quotes, references are \${...}`, at);
      if (m === "in") out.push({ t: "op", op: "in", at });
      else if (m === "true" || m === "false" || m === "null") out.push({ t: "lit", value: JSON.parse(m), at });
      else out.push({ t: "word", word: m as "and" | "or" | "not" | "exists", at });
      i += m.length;
    } else if (c === "&" && text[i + 1] === "&") throw new ParseError('write "and" rather than &&', at);
    else if (c === "|" && text[i + 1] === "|") throw new ParseError('write "or" rather than ||', at);
    else throw new ParseError(`unexpected "${c}"`, at);
  }
  return out;
}

function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j + 1;
  }
  throw new ParseError("a string is not closed", i);
}

function bracketEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '"') j = stringEnd(text, j) - 1;
    else if (c === "[" || c === "{") {
      if (++depth > MAX_CONDITION_DEPTH) throw new ParseError("a value nests too deeply", i);
    } else if (c === "]" || c === "}") {
      if (--depth === 0) return j + 1;
    }
  }
  throw new ParseError(`a ${text[i] === "[" ? "list" : "value"} is not closed`, i);
}

function numberEnd(text: string, i: number): number {
  const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
  if (!m) throw new ParseError(`"${text[i]}" does not start a number`, i);
  return i + m[0].length;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly length: number) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private where(): number {
    return this.peek()?.at ?? this.length;
  }

  end(): void {
    const t = this.peek();
    if (t) throw new ParseError(t.t === ")" ? "a ) has no matching (" : `expected "and", "or" or the end, got ${describe(t)}`, t.at);
  }

  or(depth: number): Condition {
    const args = [this.and(depth)];
    while (this.isWord("or")) { this.i++; args.push(this.and(depth)); }
    return args.length === 1 ? args[0] : { op: "or", args };
  }

  private and(depth: number): Condition {
    const args = [this.unary(depth)];
    while (this.isWord("and")) { this.i++; args.push(this.unary(depth)); }
    return args.length === 1 ? args[0] : { op: "and", args };
  }

  private unary(depth: number): Condition {
    if (depth > MAX_CONDITION_DEPTH) throw new ParseError(`a condition may nest at most ${MAX_CONDITION_DEPTH} levels deep`, this.where());
    const t = this.peek();
    if (!t) throw new ParseError("the condition ends too early", this.length);
    if (t.t === "word" && t.word === "not") { this.i++; return { op: "not", arg: this.unary(depth + 1) }; }
    if (t.t === "word" && t.word === "exists") {
      this.i++;
      if (this.peek()?.t === "(") {
        this.i++;
        const value = this.operand();
        this.expect(")");
        return { op: "exists", value };
      }
      return { op: "exists", value: this.operand() };
    }
    if (t.t === "(") {
      this.i++;
      const inner = this.or(depth + 1);
      this.expect(")");
      return inner;
    }
    const left = this.operand();
    const op = this.peek();
    if (!op || op.t !== "op") throw new ParseError(`expected a comparison (==, !=, <, <=, >, >=, in) after ${printOperand(left)}${op ? `, got ${describe(op)}` : ""}`, op?.at ?? this.length);
    this.i++;
    return { op: op.op, left, right: this.operand() };
  }

  private operand(): SingleBinding {
    const t = this.peek();
    if (!t) throw new ParseError("expected a value or a reference, the condition ends", this.length);
    if (t.t === "lit") { this.i++; return { kind: "literal", value: t.value }; }
    if (t.t === "ref") {
      this.i++;
      const r = parseReference(t.text);
      if (!r.ok) throw new ParseError(r.error, t.at);
      if (r.binding.kind === "literal" || r.binding.kind === "firstOf") throw new ParseError("expected a reference", t.at);
      return r.binding;
    }
    throw new ParseError(`expected a value or a reference, got ${describe(t)}`, t.at);
  }

  private expect(kind: ")"): void {
    if (this.peek()?.t !== kind) throw new ParseError(`expected "${kind}"`, this.where());
    this.i++;
  }

  private isWord(w: string): boolean {
    const t = this.peek();
    return t?.t === "word" && t.word === w;
  }
}

function describe(t: Token): string {
  switch (t.t) {
    case "ref": return `\${${t.text}}`;
    case "lit": return JSON.stringify(t.value);
    case "op": return `"${t.op}"`;
    case "word": return `"${t.word}"`;
    default: return `"${t.t}"`;
  }
}

/** An operand as text: a reference, or a literal as JSON. */
export function printOperand(o: SingleBinding): string {
  return o.kind === "literal" ? JSON.stringify(o.value) ?? "null" : String(printBinding(o));
}

/** A condition as text; parseCondition reads it back to the same condition. */
export function printCondition(c: Condition): string {
  switch (c.op) {
    case "or":
      return c.args.map((a) => (a.op === "or" ? `(${printCondition(a)})` : printCondition(a))).join(" or ");
    case "and":
      return c.args.map((a) => (a.op === "or" || a.op === "and" ? `(${printCondition(a)})` : printCondition(a))).join(" and ");
    case "not":
      return c.arg.op === "not" ? `not ${printCondition(c.arg)}` : `not (${printCondition(c.arg)})`;
    case "exists":
      return `exists ${printOperand(c.value)}`;
    default:
      return `${printOperand(c.left)} ${c.op} ${printOperand(c.right)}`;
  }
}
