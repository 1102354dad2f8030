/**
 * A forgiving HTML tokenizer, enough for turning pages into text and links: tags with
 * quoted attributes (which may contain ">"), text runs, and raw-text elements
 * (script, style, …) skipped whole. Not a DOM; malformed markup degrades to text.
 */
import { decodeEntities } from "./html-entities";

export type HtmlToken =
  | { type: "open"; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { type: "close"; name: string }
  | { type: "text"; text: string };

const SKIP_WHOLE = new Set(["script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas"]);
const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/y;
const ATTR = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function parseAttrs(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(ATTR)) {
    const name = m[1].toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

export function* tokenizeHtml(html: string): Generator<HtmlToken> {
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt < 0) {
      yield { type: "text", text: html.slice(i) };
      return;
    }
    if (lt > i) yield { type: "text", text: html.slice(i, lt) };
    i = lt;
    if (html.startsWith("<!--", i)) {
      const end = html.indexOf("-->", i + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (html[i + 1] === "!" || html[i + 1] === "?") {
      const end = html.indexOf(">", i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(html);
    if (!m) {
      // A lone "<" (as in "a < b") is text.
      yield { type: "text", text: "<" };
      i++;
      continue;
    }
    i = TAG.lastIndex;
    const name = m[2].toLowerCase();
    if (m[1]) {
      yield { type: "close", name };
      continue;
    }
    const selfClosing = /\/\s*$/.test(m[3]);
    if (SKIP_WHOLE.has(name) && !selfClosing) {
      const close = new RegExp(`</${name}\\s*>`, "ig");
      close.lastIndex = i;
      const end = close.exec(html);
      i = end ? close.lastIndex : n;
      continue;
    }
    yield { type: "open", name, attrs: parseAttrs(m[3]), selfClosing };
  }
}
