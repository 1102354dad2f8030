import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { decodeEntities } from "./html-entities";
import { tokenizeHtml } from "./html-tokens";

// Elements that start a new line; those in PARAGRAPH also leave a blank line around them.
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
  "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
  "thead", "tfoot", "tr", "ul", "caption",
]);
const PARAGRAPH = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "figure", "hr"]);
const HIDDEN = new Set(["head", "title"]);

export interface HtmlText {
  text: string;
  title: string | null;
}

export function htmlToText(html: string, options: { markdown?: boolean } = {}): HtmlText {
  const out: string[] = [];
  let line = "";
  // List markers and heading marks live apart from the text so trimming keeps indentation.
  let prefix = "";
  let pre = 0;
  let hidden = 0;
  let title: string | null = null;
  let inTitle = false;
  let cellIndex = 0;
  const lists: { ordered: boolean; n: number }[] = [];

  const flush = (blank = false) => {
    const trimmed = pre > 0 ? line.replace(/\s+$/, "") : line.trim();
    if (trimmed) out.push(prefix + trimmed);
    line = "";
    prefix = "";
    if (blank && out.length && out[out.length - 1] !== "") out.push("");
  };
  const append = (text: string) => {
    if (pre > 0) {
      const parts = text.split("\n");
      parts.forEach((p, idx) => {
        if (idx > 0) {
          out.push(line.replace(/\s+$/, ""));
          line = "";
        }
        line += p;
      });
      return;
    }
    const collapsed = text.replace(/\s+/g, " ");
    if (collapsed === " " && (line === "" || line.endsWith(" "))) return;
    line += line.endsWith(" ") && collapsed.startsWith(" ") ? collapsed.slice(1) : collapsed;
  };

  for (const tok of tokenizeHtml(html)) {
    if (tok.type === "text") {
      const text = decodeEntities(tok.text).replace(/\u00a0/g, " ");
      if (inTitle) title = ((title ?? "") + text).replace(/\s+/g, " ");
      else if (hidden === 0) append(text);
      continue;
    }
    const name = tok.name;
    if (tok.type === "open") {
      if (name === "title") inTitle = true;
      if (HIDDEN.has(name) && !tok.selfClosing) hidden++;
      if (name === "br") {
        if (pre > 0) append("\n");
        else flush();
        continue;
      }
      if (name === "img" && tok.attrs.alt && hidden === 0) append(` ${tok.attrs.alt} `);
      if (name === "td" || name === "th") {
        if (cellIndex++ > 0) append(" | ");
        continue;
      }
      if (!BLOCK.has(name)) continue;
      flush(PARAGRAPH.has(name));
      if (name === "tr") cellIndex = 0;
      if (name === "pre") pre++;
      if (name === "ul" || name === "ol") lists.push({ ordered: name === "ol", n: 0 });
      if (name === "li") {
        const list = lists[lists.length - 1];
        const indent = "  ".repeat(Math.max(0, lists.length - 1));
        prefix = list?.ordered ? `${indent}${++list.n}. ` : `${indent}- `;
      }
      if (options.markdown && /^h[1-6]$/.test(name)) prefix = `${"#".repeat(Number(name[1]))} `;
      if (name === "hr") {
        out.push(options.markdown ? "---" : "");
      }
      continue;
    }
    // closing tag
    if (name === "title") inTitle = false;
    if (HIDDEN.has(name) && hidden > 0) hidden--;
    if (!BLOCK.has(name)) continue;
    if (name === "pre" && pre > 0) {
      flush(true);
      pre--;
      continue;
    }
    if (name === "ul" || name === "ol") lists.pop();
    flush(PARAGRAPH.has(name));
  }
  flush();
  const text = out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { text, title: title?.trim() || null };
}

export const htmlToTextAction = defineAction({
  id: "web.html_to_text",
  title: "HTML to text",
  description:
    "Turn an HTML page into readable plain text: scripts, styles and other non-content elements are removed, paragraphs and headings become their own lines " +
    '(separated by blank lines), list items become "- item" or "1. item" lines, table rows become "cell | cell" lines, <br> breaks lines, <pre> keeps its layout, ' +
    "and HTML entities (&amp;, &eacute;, &#8217; …) are decoded. With markdown true, headings get # markers. " +
    "Returns { text, title (the <title>, or null), characters }; good before summarising or searching a page fetched with web.fetch.",
  flows: ["web"],
  effect: "pure",
  input: z.object({
    html: z.string().describe("The HTML source"),
    markdown: z.boolean().default(false).describe("Mark headings with # like Markdown (default false)"),
    maxChars: z.number().int().min(1).optional().describe("Cut the text to at most this many characters (optional)"),
  }),
  output: z.object({
    text: z.string().describe("The readable text, one block per line"),
    title: z.string().nullable().describe("The document title, or null"),
    characters: z.number().int().describe("Length of text"),
    truncated: z.boolean().describe("True when maxChars cut the text"),
  }),
  run(input) {
    const { text, title } = htmlToText(input.html, { markdown: input.markdown });
    const truncated = input.maxChars !== undefined && text.length > input.maxChars;
    const finalText = truncated ? text.slice(0, input.maxChars) : text;
    return { text: finalText, title, characters: finalText.length, truncated };
  },
});
