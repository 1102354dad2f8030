import { describe, expect, it } from "vitest";
import { RequestError, TrellisError, badRequest, conflict, notFound } from "./errors";

/** Another bundle's copy of the same classes: same kinds, different constructors. */
class CopyOfTrellisError extends Error {
  static readonly kind: string = "TrellisError";
}
function copyOf(kind: string, status: number, code: string, message: string): Error {
  // Built the way the other bundle's TrellisError builds its instances: the marker is a registered symbol.
  const e = new Error(message) as Error & Record<symbol, unknown> & { status: number; code: string };
  e[Symbol.for("trellis.error")] = [kind, "TrellisError"];
  e.status = status;
  e.code = code;
  return e;
}

describe("TrellisError", () => {
  it("carries status, code and details, and is named after its class", () => {
    const e = conflict("taken", { id: "x" });
    expect(e).toMatchObject({ status: 409, code: "conflict", message: "taken", details: { id: "x" }, name: "RequestError" });
    expect(badRequest("b").status).toBe(400);
    expect(notFound("n").status).toBe(404);
  });

  it("isInstance recognises the class and its subclasses, and nothing else", () => {
    const e = notFound("n");
    expect(RequestError.isInstance(e)).toBe(true);
    expect(TrellisError.isInstance(e)).toBe(true);
    expect(TrellisError.isInstance(new Error("plain"))).toBe(false);
    expect(RequestError.isInstance(new TrellisError(500, "x", "base"))).toBe(false);
    expect(TrellisError.isInstance(null)).toBe(false);
    expect(TrellisError.isInstance("RequestError")).toBe(false);
    // A plain error that merely has the same name is not one.
    const named = new Error("named");
    named.name = "RequestError";
    expect(RequestError.isInstance(named)).toBe(false);
  });

  it("isInstance recognises a copy made by another bundle, which instanceof misses", () => {
    const copy = copyOf("RequestError", 404, "not_found", "gone");
    expect(copy instanceof RequestError).toBe(false);
    expect(RequestError.isInstance(copy)).toBe(true);
    expect(TrellisError.isInstance(copy)).toBe(true);
    expect(new CopyOfTrellisError() instanceof TrellisError).toBe(false);
  });

  it("a subclass with its own kind is told apart from its siblings", () => {
    class EngineLikeError extends TrellisError {
      static override readonly kind: string = "EngineLikeError";
    }
    const e = new EngineLikeError(409, "conflict", "busy");
    expect(EngineLikeError.isInstance(e)).toBe(true);
    expect(TrellisError.isInstance(e)).toBe(true);
    expect(RequestError.isInstance(e)).toBe(false);
    expect(e.name).toBe("EngineLikeError");
  });
});
