import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { decodeEntities } from "./html-entities";
import { tokenizeHtml } from "./html-tokens";

const Link = z.object({
  url: z.string().describe("Absolute URL"),
  text: z.string().describe("The link's visible text (or its title/image alt text when it has none)"),
  rel: z.string().nullable().describe("The rel attribute, e.g. nofollow, or null"),
});
type Link = z.infer<typeof Link>;

export function extractLinks(
  html: string,
  baseUrl: string,
  options: { includeNonHttp?: boolean; unique?: boolean; sameHost?: boolean } = {},
): Link[] {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new ActionError("invalid_url", `The base URL "${baseUrl}" is not a valid absolute URL.`);
  }
  const links: (Link & { title: string })[] = [];
  // The <a> whose text is being collected; links do not nest, so one is enough.
  let current: (Link & { title: string }) | null = null;
  for (const tok of tokenizeHtml(html)) {
    if (tok.type === "open" && tok.name === "base" && tok.attrs.href) {
      try {
        base = new URL(tok.attrs.href, base);
      } catch {
        /* a broken <base> is ignored, as browsers do */
      }
    } else if (tok.type === "open" && (tok.name === "a" || tok.name === "area")) {
      current = null;
      const href = tok.attrs.href?.trim();
      if (href === undefined || href === "") continue;
      let url: URL;
      try {
        url = new URL(href, base);
      } catch {
        continue;
      }
      const httpLike = url.protocol === "http:" || url.protocol === "https:";
      if (!httpLike && !(options.includeNonHttp && (url.protocol === "mailto:" || url.protocol === "tel:"))) continue;
      if (options.sameHost && url.host !== base.host) continue;
      const link = { url: url.href, text: tok.name === "area" ? (tok.attrs.alt ?? "") : "", rel: tok.attrs.rel ?? null, title: tok.attrs.title ?? "" };
      links.push(link);
      if (tok.name === "a" && !tok.selfClosing) current = link;
    } else if (tok.type === "close" && tok.name === "a") {
      current = null;
    } else if (current) {
      if (tok.type === "text") current.text += decodeEntities(tok.text);
      else if (tok.type === "open" && tok.name === "img" && tok.attrs.alt) current.text += ` ${tok.attrs.alt} `;
    }
  }
  const cleaned: Link[] = links.map((l) => ({ url: l.url, text: l.text.replace(/\s+/g, " ").trim() || l.title.trim(), rel: l.rel }));
  if (!options.unique) return cleaned;
  const byUrl = new Map<string, Link>();
  for (const l of cleaned) {
    const seen = byUrl.get(l.url);
    if (!seen) byUrl.set(l.url, l);
    else if (!seen.text && l.text) seen.text = l.text;
  }
  return [...byUrl.values()];
}

export const extractLinksAction = defineAction({
  id: "web.extract_links",
  title: "Extract links",
  description:
    "List the links (<a href> and image-map areas) in an HTML page with their visible text, resolving relative hrefs to absolute URLs against `baseUrl` " +
    "(and the page's <base href> if it has one). Only http(s) links by default; javascript: links are always dropped. Duplicates are merged unless unique is false, " +
    "and sameHost keeps only links to the base URL's host. Returns { links: [{ url, text, rel }], urls, count }.",
  flows: ["web"],
  effect: "pure",
  input: z.object({
    html: z.string().describe("The HTML source"),
    baseUrl: z.string().describe("The page's own URL, used to resolve relative links, e.g. https://example.com/blog/"),
    unique: z.boolean().default(true).describe("Merge links to the same URL (default true)"),
    sameHost: z.boolean().default(false).describe("Keep only links to the base URL's host (default false)"),
    includeNonHttp: z.boolean().default(false).describe("Also keep mailto: and tel: links (default false)"),
  }),
  output: z.object({
    links: z.array(Link).describe("The links in document order"),
    urls: z.array(z.string()).describe("Just the URLs, in the same order"),
    count: z.number().int().describe("Number of links"),
  }),
  run(input) {
    const links = extractLinks(input.html, input.baseUrl, input);
    return { links, urls: links.map((l) => l.url), count: links.length };
  },
});
