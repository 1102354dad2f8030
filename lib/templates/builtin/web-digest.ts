/** A web page summarised by the LLM, with the page's links, in one report. */
import { defineTemplate } from "../define-template";

export const webDigest = defineTemplate({
  id: "web-digest",
  name: "Web page digest",
  description:
    "Fetches a web page, turns its HTML into text, summarises it (needs an LLM provider) and lists the page's links, in a Markdown digest.",
  tags: ["web", "llm", "summary"],
  params: [
    { name: "url", title: "Page URL", schema: { type: "string", format: "uri", examples: ["https://example.com/"] }, description: "The page to digest (its host must be allowed by TRELLIS_HTTP_ALLOW_HOSTS)" },
    { name: "max_words", title: "Summary length", schema: { type: "integer", minimum: 5, maximum: 2000 }, default: 120, bind: "literal", description: "The most words in the summary" },
    { name: "title", title: "Digest title", schema: { type: "string", minLength: 1 }, default: "Web digest", bind: "literal" },
  ],
  plan: {
    goal: "Digest {{url}}: summarise the page in at most {{max_words}} words and list its links",
    flows: ["web", "text"],
    steps: [
      { id: "fetch", action: "web.fetch", inputs: { url: "${inputs.url}" } },
      { id: "text", action: "web.html_to_text", inputs: { html: "${steps.fetch.output.body}", maxChars: 100000 } },
      { id: "summary", action: "text.summarize", inputs: { text: "${steps.text.output.text}", maxWords: "{{max_words}}", style: "bullets" } },
      { id: "links", action: "web.extract_links", inputs: { html: "${steps.fetch.output.body}", baseUrl: "${steps.fetch.output.url}" } },
      { id: "link_list", action: "text.join", inputs: { parts: "${steps.links.output.urls}", style: "bullets" } },
      {
        id: "digest",
        action: "text.markdown_report",
        inputs: { title: "{{title}}", heading1: "Summary", body1: "${steps.summary.output.summary}", heading2: "Links", body2: "${steps.link_list.output.text}" },
      },
    ],
    outputs: { digest: "${steps.digest.output.markdown}", summary: "${steps.summary.output.summary}" },
  },
});
