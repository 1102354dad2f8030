/**
 * Builds the plan one chosen action at a time, filling each input from, in order: values the
 * person gave, enum values the goal names, column-shaped values the goal names, literals in
 * the clause, upstream outputs of a fitting type, other literals of the goal, documented
 * examples the goal names, the clause itself for inputs that take an instruction or query,
 * a one-step converter from what is available (backward chaining by type), and finally a plan
 * input. Nothing is invented: what the goal does not say becomes a plan input.
 */
import type { ActionSpec } from "../../core/action";
import { checkValue } from "../../core/check-value";
import { isAnySchema, isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, PlanInput, Step } from "../../core/plan";
import { isAssignable } from "../../core/type-compat";
import { nameSimilarity } from "../../core/similarity";
import type { ActionIndex } from "../retrieval";
import { isTypedSchema, kindOfSchema, schemaOfKind } from "../schema-kind";
import { terms, words } from "../text/tokens";
import type { Clause } from "./clauses";
import { columnsIn, exampleNamedIn, examplesFor } from "./examples";
import type { GoalLiteral } from "./literals";
import { stepLabel } from "./step-label";
import { writeSql, schemaIn } from "./sql-writer";
import { countsRows, EMPTY_TABLE, fillTableSlot, groupingColumns, mentionedColumns, tableAfter, tableTerms, type TableContext } from "./table-slots";

export interface BuiltStep {
  step: Step;
  spec: ActionSpec;
  clause?: Clause;
  table: TableContext;
}

const CONTENT_NAMES = new Set(["text", "content", "markdown", "body", "html", "svg", "summary", "report", "message", "document", "article", "transcript", "answer", "result"]);
const INSTRUCTION = /\b(quer(y|ies)|question|instruction|description|describ|prompt|keyword|topic|search|request|command|theme)\w*/i;

interface Candidate {
  binding: Binding;
  strength: number;
}

export class OfflineBuilder {
  readonly built: BuiltStep[] = [];
  readonly planInputs: PlanInput[] = [];
  readonly notes: string[] = [];
  private readonly literalUses: number[];
  private readonly consumed = new Map<string, number>();
  private readonly goalTerms: Set<string>;
  private readonly ids = new Set<string>();
  /** sources already bound to an input of the step being built */
  private current = new Set<string>();
  /** what a query written for the step being built answers, for its label */
  private written?: string;
  /** queries written from a clause's question so far (a dry run tells whether it wrote one) */
  private answers = 0;

  constructor(
    private readonly goal: string,
    private readonly literals: readonly GoalLiteral[],
    private readonly specs: readonly ActionSpec[],
    private readonly index: ActionIndex,
    private readonly given: Readonly<Record<string, unknown>>,
  ) {
    this.literalUses = literals.map(() => 0);
    this.goalTerms = new Set(terms(goal));
  }

  /**
   * What adding `spec` now would cost: how many plan inputs it would need and how many
   * converter steps it would pull in, and whether it would continue from the latest step.
   * The builder is left as it was.
   */
  dryRun(spec: ActionSpec, clause: Clause | undefined): { planInputs: number; converters: number; chained: boolean; answers: boolean; inputs: Record<string, Binding>; latest?: string; table: TableContext } {
    const answers = this.answers;
    const snapshot = {
      built: this.built.length,
      planInputs: this.planInputs.length,
      notes: this.notes.length,
      literalUses: [...this.literalUses],
      consumed: new Map(this.consumed),
      ids: new Set(this.ids),
    };
    const latest = this.built[this.built.length - 1]?.step.id;
    const added = this.add(spec, clause);
    const result = {
      planInputs: this.planInputs.length - snapshot.planInputs,
      converters: this.built.length - snapshot.built - 1,
      chained: latest !== undefined && Object.values(added.step.inputs).some((b) => b.kind === "step" && b.step === latest),
      // an input was written from the clause's question (a query): the step answers it
      answers: this.answers > answers,
      inputs: added.step.inputs,
      latest,
      table: added.table,
    };
    this.built.length = snapshot.built;
    this.planInputs.length = snapshot.planInputs;
    this.notes.length = snapshot.notes;
    this.literalUses.splice(0, this.literalUses.length, ...snapshot.literalUses);
    this.consumed.clear();
    for (const [k, v] of snapshot.consumed) this.consumed.set(k, v);
    this.ids.clear();
    for (const id of snapshot.ids) this.ids.add(id);
    return result;
  }

  /** Keep a step of an earlier plan as it is, so new steps can chain from it. */
  adopt(step: Step, spec: ActionSpec) {
    this.ids.add(step.id);
    let upstream = EMPTY_TABLE;
    const literals: Record<string, unknown> = {};
    for (const [name, b] of Object.entries(step.inputs)) {
      if (b.kind === "step") {
        this.consumed.set(b.step, (this.consumed.get(b.step) ?? 0) + 1);
        upstream = this.built.find((x) => x.step.id === b.step)?.table ?? upstream;
      } else if (b.kind === "literal") literals[name] = b.value;
    }
    this.built.push({ step: structuredClone(step), spec, table: tableOf(spec, literals, upstream) });
  }

  /**
   * Whether the clause asks for a measure per value of a column ("revenue by product") of the
   * table `producer` would make (or, without one, of the latest table): a column named after
   * "by" and another column named apart from it.
   */
  groupsBy(clause: Clause, producer: ActionSpec | undefined): boolean {
    const table = producer ? this.dryRun(producer, clause).table : this.latestTable(EMPTY_TABLE);
    if (!table.columns.length) return false;
    const grouping = groupingColumns(clause.text, table.columns);
    if (!grouping.length || grouping.every((g) => table.groupColumns.includes(g))) return false;
    return countsRows(clause.text) || mentionedColumns(clause.text, table.columns).some((c) => !grouping.includes(c));
  }

  /**
   * Fill a step's column-shaped inputs again from a longer text (its clause and one that says
   * more about it: "sort it by revenue" + "highest first"), and relabel it. Whether an input changed.
   */
  refine(built: BuiltStep, text: string): boolean {
    const before = JSON.stringify(built.step.inputs);
    const props = isObject(built.spec.input.properties) ? (built.spec.input.properties as Record<string, JsonSchema>) : {};
    const table = this.latestTable(built.table);
    for (const [name, binding] of Object.entries(built.step.inputs)) {
      if (binding.kind !== "literal" || !props[name]) continue;
      const v = table.columns.length ? fillTableSlot(name, props[name], text, table) : undefined;
      if (v !== undefined) built.step.inputs[name] = literal(v);
    }
    const others = this.built.filter((b) => b !== built).map((b) => b.step.label);
    let label = stepLabel(built.spec, built.step.inputs);
    for (let k = 2; others.includes(label); k++) label = `${stepLabel(built.spec, built.step.inputs)} (${k})`;
    built.step.label = label;
    return JSON.stringify(built.step.inputs) !== before;
  }

  isLiteralUsed(i: number): boolean {
    return this.literalUses[i] > 0;
  }

  get steps(): Step[] {
    return this.built.map((b) => b.step);
  }

  /** Add a step for `spec`; `prefer` binds one input to a given source (used for converters). */
  add(spec: ActionSpec, clause: Clause | undefined, depth = 0, prefer?: { input: string; binding: Binding }): BuiltStep {
    const props = isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
    const required = new Set(Array.isArray(spec.input.required) ? (spec.input.required as string[]) : []);
    const inputs: Record<string, Binding> = {};
    const literalValues: Record<string, unknown> = {};
    let table = EMPTY_TABLE;

    const outer = this.current;
    this.current = new Set();
    const names = [...Object.keys(props).filter((n) => required.has(n)), ...Object.keys(props).filter((n) => !required.has(n))];
    for (const name of names) {
      const target = props[name] ?? {};
      const isRequired = required.has(name);
      let binding: Binding | undefined;
      if (prefer && prefer.input === name) binding = prefer.binding;
      binding ??= this.valueFor(spec, name, target, isRequired, clause, table, depth);
      if (!binding) continue;
      inputs[name] = binding;
      this.current.add(sourceKey(binding));
      if (binding.kind === "literal") literalValues[name] = binding.value;
      if (binding.kind === "step") {
        this.consumed.set(binding.step, (this.consumed.get(binding.step) ?? 0) + 1);
        const source = this.built.find((b) => b.step.id === binding!.step);
        if (source && kindOfSchema(target) === "table") table = source.table;
      }
    }
    this.current = outer;
    const step: Step = { id: this.newId(spec), action: spec.id, inputs };
    step.label = this.distinctLabel(this.written ? `${spec.title}: ${this.written}` : stepLabel(spec, inputs));
    this.written = undefined;
    const built: BuiltStep = { step, spec, clause, table: tableOf(spec, literalValues, table) };
    this.built.push(built);
    return built;
  }

  /** Labels are distinct within a plan: a second "Read a file: a.txt" reads "Read a file: a.txt (2)". */
  private distinctLabel(label: string): string {
    const taken = new Set(this.built.map((b) => b.step.label));
    let out = label;
    for (let k = 2; taken.has(out); k++) out = `${label} (${k})`;
    return out;
  }

  private newId(spec: ActionSpec): string {
    const base = (spec.id.split(".").pop() ?? spec.id).replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^[^A-Za-z_]+/, "") || "step";
    let id = base.slice(0, 60);
    for (let k = 2; this.ids.has(id); k++) id = `${base.slice(0, 56)}_${k}`;
    this.ids.add(id);
    return id;
  }

  private valueFor(spec: ActionSpec, name: string, target: JsonSchema, required: boolean, clause: Clause | undefined, table: TableContext, depth: number): Binding | undefined {
    const clauseText = clause?.text ?? this.goal;

    // 1. A value the person gave for a plan input of this name.
    const givenKey = Object.keys(this.given).find((k) => k === name || nameSimilarity(k, name) >= 0.9);
    if (givenKey !== undefined && checkValue(this.given[givenKey], target).length === 0) {
      return this.planInput(givenKey, target, describe(spec, name), this.given[givenKey]);
    }

    // 2. An enum value the clause (or else the goal) names.
    if (isObject(target) && Array.isArray(target.enum)) {
      const named = enumNamed(target.enum, clauseText) ?? enumNamed(target.enum, this.goal);
      if (named !== undefined) return literal(named);
      if (!required) return undefined;
      return literal(target.default !== undefined ? target.default : target.enum[0]);
    }

    // 3. Column-shaped inputs of table actions.
    const upstreamTable = this.latestTable(table);
    if (upstreamTable.columns.length) {
      const v = fillTableSlot(name, target, clauseText, upstreamTable);
      if (v !== undefined) return literal(v);
    }

    // 4. Literals in the clause, then documented examples the clause or the goal names.
    const local = this.literalFor(target, name, spec, clause ? clause.literals : [], true);
    if (local) return local;
    if (required && (kindOfSchema(target) === "string" || isAnySchema(target))) {
      const examples = examplesFor(spec, name);
      const own = new Set(terms(name));
      const ex = exampleNamedIn(examples, new Set(terms(clauseText)), own) ?? exampleNamedIn(examples, this.goalTerms, own);
      if (ex && checkValue(ex.value, target).length === 0) return literal(ex.value);
    }
    if (!required) return this.optionalSlot(name, target);

    // 5. Upstream outputs, then 6. other literals of the goal; an output this step already
    // takes comes last (an action with two image inputs wants two images).
    const upstream = this.fromSteps(target, name, required, false);
    if (upstream) return upstream;
    const global = this.literalFor(target, name, spec, this.literals.map((_, i) => i), false);
    if (global) return global;
    const again = this.fromSteps(target, name, required, true);
    if (again) return again;

    // 7. A query in SQL, written from the schema the action documents, when the clause asks a
    // question the writer understands; else 8. inputs that take what the person asks for: the clause itself.
    if (kindOfSchema(target) === "string" && clause && takesSql(spec, name, target)) {
      const written = writeSql(clause.text, schemaIn(spec.description));
      if (written && checkValue(written.sql, target).length === 0) {
        this.notes.push(`wrote the query for "${clause.text}" from the schema ${spec.id} documents: ${written.summary}`);
        this.written = written.summary;
        this.answers++;
        return literal(written.sql);
      }
      return this.planInput(name, target, describe(spec, name));
    }
    if ((kindOfSchema(target) === "string" || isAnySchema(target)) && clause && takesInstruction(spec, name, target)) {
      const text = requestText(clause.text);
      if (checkValue(text, target).length === 0) return literal(text);
    }

    // 8. Backward chaining: one converter step from something available.
    if (depth === 0 && isTypedSchema(target)) {
      const converted = this.convert(target, name, clause, depth);
      if (converted) return converted;
    }

    // 9. What is left is the person's to give.
    if (/^title$/i.test(name) && kindOfSchema(target) === "string") {
      const t = titleOf(this.goal);
      if (checkValue(t, target).length === 0) return literal(t);
    }
    return this.planInput(name, target, describe(spec, name));
  }

  /**
   * The terms of the data at hand: the column names and the values named of the latest table a
   * step makes ("region", "west"). In a clause they say what to work on, not what to do.
   */
  dataTerms(): Set<string> {
    return tableTerms(this.latestTable(EMPTY_TABLE));
  }

  /** Table context of the most recent step that has one, when the current step has none yet. */
  private latestTable(current: TableContext): TableContext {
    if (current.columns.length) return current;
    for (let i = this.built.length - 1; i >= 0; i--) if (this.built[i].table.columns.length) return this.built[i].table;
    return current;
  }

  private literalFor(target: JsonSchema, name: string, spec: ActionSpec, indexes: number[], unusedOnly: boolean): Binding | undefined {
    const kind = kindOfSchema(target);
    const hint = `${name} ${inputDescription(spec, name)}`.toLowerCase();
    let best: { i: number; score: number } | undefined;
    for (const i of indexes) {
      const lit = this.literals[i];
      if (!lit || (unusedOnly && this.literalUses[i] > 0)) continue;
      if (checkValue(lit.value, target).length) continue;
      if (this.current.has(sourceKey(literal(lit.value)))) continue;
      let score = 0;
      if (kind === "image" || kind === "audio" || kind === "video" || kind === "uri" || kind === "date" || kind === "email") score = 3;
      else if (kind === "number") score = lit.kind === "number" && /\b(limit|max|count|number|top|n|words|size|rows)\b/.test(hint) ? 2 : 0;
      else if (kind === "string" || kind === "any") {
        if (lit.kind === "text") score = 2;
        else if (lit.kind === "url" && /\b(url|link|uri|address|site|page)\b/.test(hint)) score = 3;
        else if ((lit.kind === "file" || lit.kind === "image" || lit.kind === "audio" || lit.kind === "video") && /\b(path|file|name)\b/.test(hint)) score = 3;
        else if (lit.kind === "email" && /mail/.test(hint)) score = 3;
        else if (lit.kind === "date" && /date|day/.test(hint)) score = 3;
      }
      if (score === 0) continue;
      score -= this.literalUses[i];
      if (!best || score > best.score) best = { i, score };
    }
    if (!best || best.score <= 0) return undefined;
    this.literalUses[best.i]++;
    return literal(this.literals[best.i].value);
  }

  /** The best upstream output (or top-level field) for the target, most recent and unconsumed first. */
  private fromSteps(target: JsonSchema, name: string, required: boolean, allowTwice: boolean): Binding | undefined {
    let best: (Candidate & { rank: number }) | undefined;
    const n = this.built.length;
    this.built.forEach((b, i) => {
      const c = candidateFrom(b.step.id, b.spec.output, target, name);
      if (!c) return;
      if (c.strength < 2 && !required) return;
      const unconsumed = (this.consumed.get(b.step.id) ?? 0) === 0;
      if (this.current.has(sourceKey(c.binding)) !== allowTwice) return;
      const rank = c.strength * 10 + (unconsumed ? 4 : 0) - (n - 1 - i);
      if (!best || rank > best.rank) best = { ...c, rank };
    });
    if (!best || best.rank < 0) return undefined;
    if (best.strength < 2 && kindOfSchema(target) === "string") return undefined;
    return best.binding;
  }

  /** Optional inputs: numbered content slots (body1, body2…) take upstream content nobody used yet. */
  private optionalSlot(name: string, target: JsonSchema): Binding | undefined {
    if (!/\d$/.test(name) || kindOfSchema(target) !== "string") return undefined;
    const base = name.replace(/\d+$/, "").toLowerCase();
    if (!CONTENT_NAMES.has(base)) return undefined;
    for (const b of this.built) {
      if ((this.consumed.get(b.step.id) ?? 0) > 0) continue;
      const props = isObject(b.spec.output.properties) ? b.spec.output.properties : {};
      const field = Object.keys(props).find((k) => CONTENT_NAMES.has(k.toLowerCase()) && isAssignable(props[k], target).ok);
      if (field) return { kind: "step", step: b.step.id, path: [field] };
    }
    return undefined;
  }

  private convert(target: JsonSchema, name: string, clause: Clause | undefined, depth: number): Binding | undefined {
    const sources: { binding: Binding; schema: unknown }[] = [];
    for (let i = this.built.length - 1; i >= 0; i--) sources.push({ binding: { kind: "step", step: this.built[i].step.id }, schema: this.built[i].spec.output });
    for (const lit of this.literals) sources.push({ binding: literal(lit.value), schema: schemaOfLiteral(lit) });
    const query = terms(`${clause?.words ?? this.goal} ${name}`);
    const relevance = this.index.scoreTerms(query);
    for (const source of sources) {
      if (isAnySchema(source.schema)) continue;
      let best: { spec: ActionSpec; input: string; score: number } | undefined;
      this.specs.forEach((spec, i) => {
        if (isAnySchema(spec.output) || !isAssignable(spec.output, target).ok) return;
        const props = isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
        const req = Array.isArray(spec.input.required) ? (spec.input.required as string[]) : [];
        const typedReq = req.filter((r) => isTypedSchema(props[r]));
        if (typedReq.length !== 1) return;
        const input = typedReq[0];
        if (!isAssignable(source.schema, props[input]).ok) return;
        const score = relevance[i] - req.length * 0.1;
        if (!best || score > best.score) best = { spec, input, score };
      });
      if (best) {
        const converter = this.add(best.spec, clause, depth + 1, { input: best.input, binding: source.binding });
        if (source.binding.kind === "literal") this.markLiteralUsed(source.binding.value);
        this.notes.push(`added ${best.spec.id} to turn ${kindOfSchema(source.schema)} into the ${kindOfSchema(target)} "${name}" needs`);
        return { kind: "step", step: converter.step.id };
      }
    }
    return undefined;
  }

  private markLiteralUsed(value: unknown) {
    const i = this.literals.findIndex((l) => l.value === value);
    if (i >= 0) this.literalUses[i]++;
  }

  private planInput(name: string, schema: JsonSchema, description: string, value?: unknown): Binding {
    const clean = name.replace(/[^A-Za-z0-9_]/g, "_").replace(/^[^A-Za-z_]/, "_$&").slice(0, 60) || "input";
    let id = clean;
    for (let k = 2; ; k++) {
      const existing = this.planInputs.find((p) => p.name === id);
      if (!existing) break;
      // The same name and type is the same value (one URL feeding two steps), unless the person gave none.
      if (JSON.stringify(existing.schema) === JSON.stringify(schema) && value === undefined) return { kind: "input", name: id };
      id = `${clean}_${k}`;
    }
    const input: PlanInput = { name: id, schema, description };
    if (value !== undefined) input.default = value;
    this.planInputs.push(input);
    return { kind: "input", name: id };
  }
}

/**
 * The table a step produces, as far as the goal can know it: a documented dataset's columns
 * when the step loads one, what an aggregation makes of its input, else its input's columns.
 */
function tableOf(spec: ActionSpec, literalValues: Record<string, unknown>, upstream: TableContext): TableContext {
  let table = upstream;
  if (!table.columns.length) {
    const examples = Object.keys(literalValues).flatMap((n) => examplesFor(spec, n));
    for (const v of Object.values(literalValues)) {
      const cols = columnsIn(examples.find((e) => e.value === v)?.context ?? "");
      if (cols.length) table = { columns: cols, groupColumns: [], measureColumns: [] };
    }
  }
  return tableAfter(literalValues, table);
}

function literal(value: unknown): Binding {
  return { kind: "literal", value };
}

function candidateFrom(stepId: string, output: JsonSchema, target: JsonSchema, name: string): Candidate | undefined {
  const tKind = kindOfSchema(target);
  const typed = isTypedSchema(target);
  if (!isAnySchema(output) && isAssignable(output, target).ok) {
    const sKind = kindOfSchema(output);
    // A bare value: the whole output is the thing (TaskBench tools, text actions).
    let strength = typed ? 3 : sKind === "string" ? 2 : 1;
    if (!typed && sKind !== "string") strength = 1;
    return { binding: { kind: "step", step: stepId }, strength };
  }
  const props = isObject(output.properties) ? output.properties : {};
  let best: Candidate | undefined;
  for (const [field, s] of Object.entries(props)) {
    if (isAnySchema(s) || !isAssignable(s, target).ok) continue;
    let strength = 1;
    if (typed && tKind !== "number" && tKind !== "boolean") strength = 3;
    else if (field.toLowerCase() === name.toLowerCase()) strength = 3;
    else if (CONTENT_NAMES.has(field.toLowerCase()) && CONTENT_NAMES.has(name.toLowerCase())) strength = 2;
    else if (nameSimilarity(field, name) >= 0.6 || words(name).includes(field.toLowerCase())) strength = 2;
    if (!best || strength > best.strength) best = { binding: { kind: "step", step: stepId, path: [field] }, strength };
  }
  return best;
}

function enumNamed(values: readonly unknown[], text: string): unknown {
  const w = ` ${words(text).join(" ")} `;
  const stems = new Set(terms(text));
  for (const v of values) {
    if (typeof v !== "string") continue;
    const vw = words(v).join(" ");
    if (vw && (w.includes(` ${vw} `) || (vw.length > 3 && terms(v).every((t) => stems.has(t))))) return v;
  }
  return undefined;
}

/** An input for what the person asks (a query, an instruction, a description), by its name or description; generic text inputs by the action's description. */
function takesInstruction(spec: ActionSpec, name: string, target: JsonSchema): boolean {
  const own = isObject(target) && typeof target.description === "string" ? target.description : "";
  if (INSTRUCTION.test(name) || INSTRUCTION.test(own)) return true;
  return /^(text|input|prompt|query)(_\d+)?$/i.test(name) && !own && INSTRUCTION.test(spec.description);
}

function inputDescription(spec: ActionSpec, name: string): string {
  const props = isObject(spec.input.properties) ? spec.input.properties : {};
  const s = props[name];
  return isObject(s) && typeof s.description === "string" ? s.description : "";
}

function describe(spec: ActionSpec, name: string): string {
  const d = inputDescription(spec, name);
  return d ? `${spec.title}: ${d}` : `${name} for ${spec.title}`;
}

function schemaOfLiteral(lit: GoalLiteral): JsonSchema {
  return schemaOfKind(lit.kind === "url" ? "uri" : lit.kind === "file" || lit.kind === "text" ? "string" : lit.kind);
}

function sourceKey(b: Binding): string {
  return b.kind === "step" ? `step:${b.step}:${(b.path ?? []).join(".")}` : b.kind === "input" ? `input:${b.name}` : b.kind === "firstOf" ? `firstOf:${JSON.stringify(b.of)}` : b.kind === "item" ? `item:${JSON.stringify(b.path ?? [])}` : `literal:${JSON.stringify(b.value)}`;
}

/** What the clause asks for, without the politeness around it: "could you help me slow it down" → "slow it down". */
export function requestText(text: string): string {
  let t = text.replace(/\s+/g, " ").trim();
  for (let i = 0; i < 4; i++) {
    const before = t;
    t = t
      .replace(/^(?:and|then|also|so|finally|lastly|next|now|please|kindly|oh|additionally|moreover)\b[\s,]*/i, "")
      .replace(/^(?:(?:can|could|would|will)\s+(?:you|we|i)(?:\s+(?:please|possibly|also|kindly))?|i\s+(?:want|would\s+like|need|wish)(?:\s+you)?(?:\s+to)?|i['’]d\s+(?:like|love)(?:\s+you)?(?:\s+to)?|help\s+me(?:\s+to)?|assist\s+me(?:\s+(?:in|with|to))?|help(?:\s+(?:in|with|to))?|be\s+able\s+to|let['’]?s)\b[\s,]*/i, "")
      .trim();
    if (t === before) break;
  }
  t = t.replace(/[?!.]+$/, "").trim();
  return t || text.trim();
}

/** An input that takes SQL text: named sql, or described as SQL. */
function takesSql(spec: ActionSpec, name: string, target: JsonSchema): boolean {
  const own = isObject(target) && typeof target.description === "string" ? target.description : "";
  return /^sql$/i.test(name) || (/^query$/i.test(name) && /\bSQL\b/.test(own));
}

/** Parts of a goal that say how, not what: getting data in, and putting results out. */
const HOW = /^(?:please\s+)?(?:load|read|open|fetch|get|download|import|take|use|start|write|save|store|export|send|chart|plot|draw|make|create|produce|put|turn)\b/i;

/**
 * A title for a document from the goal: what it is about, without the loading and saving
 * ("Load the sales CSV, total revenue by region, chart it and write a report" → "Total revenue
 * by region"); the first sentence when every part is about how.
 */
function titleOf(goal: string): string {
  const first = goal.split(/(?<=[.!?])\s/)[0].replace(/[.!?]+$/, "").trim();
  const parts = first.split(/\s*,\s*|\s+(?:and then|then|and)\s+/i).map((p) => p.trim()).filter(Boolean);
  const about = parts.filter((p) => !HOW.test(p));
  const chosen = about.length ? about.join(", ") : first;
  const t = chosen.length > 70 ? `${chosen.slice(0, 67).replace(/\s+\S*$/, "")}…` : chosen;
  return t.charAt(0).toUpperCase() + t.slice(1);
}
