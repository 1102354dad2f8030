import { describe, expect, it } from "vitest";
import { checkUrlAllowed, hostAllowed } from "./host-allow-list";

describe("host allow-list", () => {
  it("matches exact hosts, subdomain wildcards and *", () => {
    expect(hostAllowed("api.example.com", ["api.example.com"])).toBe(true);
    expect(hostAllowed("API.Example.com.", ["api.example.com"])).toBe(true);
    expect(hostAllowed("evil-example.com", ["example.com"])).toBe(false);
    expect(hostAllowed("a.b.example.com", ["*.example.com"])).toBe(true);
    expect(hostAllowed("example.com", ["*.example.com"])).toBe(false);
    expect(hostAllowed("badexample.com", ["*.example.com"])).toBe(false);
    expect(hostAllowed("[::1]", ["::1"])).toBe(true);
    expect(hostAllowed("anything.org", ["*"])).toBe(true);
    expect(hostAllowed("anything.org", [])).toBe(false);
  });

  it("refuses other hosts and schemes with clear messages", () => {
    expect(() => checkUrlAllowed("https://evil.test/x", ["example.com"])).toThrow(
      'Requests to "evil.test" are not allowed. Allowed hosts: example.com. Add the host to the HTTP allow-list to permit it.',
    );
    expect(() => checkUrlAllowed("file:///etc/passwd", ["*"])).toThrow(/Only http and https/);
    expect(() => checkUrlAllowed("not a url", ["*"])).toThrow(/not a valid absolute URL/);
    expect(checkUrlAllowed("http://example.com:8080/a", ["example.com"]).port).toBe("8080");
  });
});
