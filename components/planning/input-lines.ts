/**
 * Known plan input values typed as `name = value` lines. A value that parses as JSON is that
 * value (3, true, ["a"]); anything else is text. Shared by the goal form and its server action.
 */
export function parseInputLines(text: string): { values: Record<string, unknown>; errors: string[] } {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith("#")) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]{0,63})\s*[=:]\s*(.*)$/.exec(t);
    if (!m) {
      errors.push(`Line ${i + 1}: write name = value (a name is letters, digits and _).`);
      return;
    }
    const raw = m[2].trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw.replace(/^(["'])(.*)\1$/, "$2");
    }
    values[m[1]] = value;
  });
  return { values, errors };
}
