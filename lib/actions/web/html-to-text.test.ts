import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { htmlToTextAction } from "./html-to-text";

const page = `<!DOCTYPE html>
<html><head><title>Acme &amp; Co &mdash; News</title>
<style>body { color: red } p > a { x: "</p>" }</style>
<script>var s = "<p>not text</p>"; if (a < b) {}</script></head>
<body>
<nav><a href="/">Home</a></nav>
<!-- a comment <p>hidden</p> -->
<h1>Quarterly   results</h1>
<p>Revenue rose <b>12&nbsp;%</b> to &euro;4.2&#8239;M &ndash; a record.<br>Costs were flat.</p>
<ul><li>North: up</li><li>South: <i>down</i></li></ul>
<ol><li>First</li><li>Second</li></ol>
<table><tr><th>Region</th><th>Sales</th></tr><tr><td>East</td><td>10</td></tr></table>
<pre>line 1
  indented</pre>
<p title="a > b">Caf&eacute; &lt;open&gt; &#x1F600; &unknown;</p>
<noscript>enable JS</noscript>
</body></html>`;

describe("web.html_to_text", () => {
  it("keeps headings, paragraphs, list items and rows as lines and drops scripts and styles", async () => {
    const out = await runAction(htmlToTextAction, { html: page });
    expect(out.title).toBe("Acme & Co — News");
    const lines = out.text.split("\n").filter((l) => l !== "");
    expect(lines).toEqual([
      "Home",
      "Quarterly results",
      "Revenue rose 12 % to €4.2 M – a record.",
      "Costs were flat.",
      "- North: up",
      "- South: down",
      "1. First",
      "2. Second",
      "Region | Sales",
      "East | 10",
      "line 1",
      "  indented",
      "Café <open> 😀 &unknown;",
    ]);
    expect(out.text).not.toMatch(/not text|color: red|hidden|enable JS/);
    expect(out.text).toContain("Quarterly results\n\nRevenue rose");
    expect(out.characters).toBe(out.text.length);
  });

  it("marks headings in markdown mode and truncates to maxChars", async () => {
    const md = await runAction(htmlToTextAction, { html: "<h2>Title</h2><p>Body</p>", markdown: true });
    expect(md.text).toBe("## Title\n\nBody");
    const cut = await runAction(htmlToTextAction, { html: "<p>abcdefghij</p>", maxChars: 4 });
    expect(cut).toMatchObject({ text: "abcd", truncated: true, title: null });
  });

  it("copes with malformed markup and nested lists", async () => {
    const out = await runAction(htmlToTextAction, { html: "a < b and <b>c<ul><li>x<ul><li>y</li></ul></li></ul>" });
    expect(out.text.split("\n").filter(Boolean)).toEqual(["a < b and c", "- x", "  - y"]);
  });
});
