/**
 * The one redactor of the process: the secret values Trellis holds (stored connections' secrets,
 * and the env and header values of TRELLIS_MCP_CONFIG), replaced with `[redacted]` wherever
 * Trellis speaks: events the engine writes, the server log, API answers and page data, MCP tool
 * results and errors. Kept on globalThis, so a development reload shares it.
 */
import { Redactor } from "../../core/redact";

const KEY = Symbol.for("trellis.secret-redaction");
type Holder = { [KEY]?: { bySource: Map<string, string[]>; current: Redactor } };

function state() {
  const holder = globalThis as Holder;
  holder[KEY] ??= { bySource: new Map(), current: new Redactor() };
  return holder[KEY];
}

/** Sets the secret values of one source (a connection's name, or the config file); an empty list forgets them. */
export function setSecretValues(source: string, values: readonly string[]): void {
  const s = state();
  const before = s.bySource.get(source) ?? [];
  if (values.length) s.bySource.set(source, [...values]);
  else s.bySource.delete(source);
  // A value that was just replaced may still sit in a step's output or a log line being written:
  // it stays redacted until the process stops.
  const kept = before.filter((v) => !values.includes(v));
  if (kept.length) {
    const key = `${source}\u0000previous`;
    s.bySource.set(key, [...new Set([...(s.bySource.get(key) ?? []), ...kept])]);
  }
  s.current = new Redactor([...s.bySource.values()].flat());
}

export function secretRedactor(): Redactor {
  return state().current;
}

/** A copy of the value with every known secret replaced (the value itself when it holds none). */
export function redactSecrets<T>(value: T): T {
  return state().current.value(value);
}

export function redactText(text: string): string {
  return state().current.text(text);
}
