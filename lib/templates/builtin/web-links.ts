/** A web page's links and opening text as a report, with no LLM. */
import { defineTemplate } from "../define-template";

export const webLinks = defineTemplate({
  id: "web-links",
  name: "Web page links report",
  description: "Fetches a web page, extracts its links and the start of its text, and writes them as a Markdown report. Needs no LLM.",
  tags: ["web", "report"],
  params: [
    { name: "url", title: "Page URL", schema: { type: "string", format: "uri", examples: ["https://example.com/"] }, description: "The page to read (its host must be allowed by TRELLIS_HTTP_ALLOW_HOSTS)" },
    { name: "same_host", title: "Same host only", schema: { type: "boolean" }, default: false, bind: "literal", description: "Keep only links to the page's own host" },
    { name: "excerpt_chars", title: "Excerpt length", schema: { type: "integer", minimum: 100, maximum: 20000 }, default: 1500, bind: "literal", description: "Characters of the page's text to include" },
    { name: "title", title: "Report title", schema: { type: "string", minLength: 1 }, default: "Links on the page", bind: "literal" },
  ],
  plan: {
    goal: "List the links on {{url}} with an excerpt of its text in a Markdown report",
    flows: ["web", "text"],
    steps: [
      { id: "fetch", action: "web.fetch", inputs: { url: "${inputs.url}" } },
      { id: "links", action: "web.extract_links", inputs: { html: "${steps.fetch.output.body}", baseUrl: "${steps.fetch.output.url}", sameHost: "{{same_host}}" } },
      { id: "text", action: "web.html_to_text", inputs: { html: "${steps.fetch.output.body}", maxChars: "{{excerpt_chars}}" } },
      { id: "link_list", action: "text.join", inputs: { parts: "${steps.links.output.urls}", style: "bullets" } },
      {
        id: "report",
        action: "text.markdown_report",
        inputs: { title: "{{title}}", heading1: "Links", body1: "${steps.link_list.output.text}", heading2: "Excerpt", body2: "${steps.text.output.text}" },
      },
    ],
    outputs: { report: "${steps.report.output.markdown}", links: "${steps.links.output.urls}" },
  },
});
