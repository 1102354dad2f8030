import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { extractLinksAction } from "./extract-links";

const html = `
<a href="/about">About <b>us</b></a>
<a href='docs/guide.html#install' rel="nofollow">Install&nbsp;guide</a>
<a href="https://other.example.org/x?a=1&amp;b=2">Other</a>
<a href="javascript:alert(1)">bad</a>
<a href="mailto:hi@example.com">Mail</a>
<a href="/about"><img src="a.png" alt="About icon"></a>
<a href="../up" title="Up one">   </a>
<a name="anchor-only">no href</a>
`;

describe("web.extract_links", () => {
  it("resolves URLs against the base, keeps text, drops javascript:, merges duplicates", async () => {
    const out = await runAction(extractLinksAction, { html, baseUrl: "https://example.com/blog/post/" });
    expect(out.links).toEqual([
      { url: "https://example.com/about", text: "About us", rel: null },
      { url: "https://example.com/blog/post/docs/guide.html#install", text: "Install guide", rel: "nofollow" },
      { url: "https://other.example.org/x?a=1&b=2", text: "Other", rel: null },
      { url: "https://example.com/blog/up", text: "Up one", rel: null },
    ]);
    expect(out.urls).toEqual(out.links.map((l) => l.url));
    expect(out.count).toBe(4);
  });

  it("can keep duplicates, mailto links, or only same-host links", async () => {
    const all = await runAction(extractLinksAction, { html, baseUrl: "https://example.com/", unique: false, includeNonHttp: true });
    expect(all.urls).toContain("mailto:hi@example.com");
    expect(all.links.filter((l) => l.url === "https://example.com/about").map((l) => l.text)).toEqual(["About us", "About icon"]);
    const same = await runAction(extractLinksAction, { html, baseUrl: "https://example.com/", sameHost: true });
    expect(same.urls.every((u) => u.startsWith("https://example.com/"))).toBe(true);
  });

  it("honours <base href> and rejects a bad base URL", async () => {
    const out = await runAction(extractLinksAction, { html: '<base href="https://cdn.example.net/v2/"><a href="file.csv">data</a>', baseUrl: "https://example.com/" });
    expect(out.urls).toEqual(["https://cdn.example.net/v2/file.csv"]);
    await expect(runAction(extractLinksAction, { html, baseUrl: "not-a-url" })).rejects.toMatchObject({ code: "invalid_url" });
  });
});
