/**
 * Reads a byte stream up to a limit, counting as it streams: a stream past the limit is
 * cancelled after its first `maxBytes`, never held whole. Web streams only, so it runs in the
 * browser and the server alike (request bodies, fetched responses).
 */
export async function readLimited(stream: ReadableStream<Uint8Array> | null | undefined, maxBytes: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false }> {
  if (!stream) return { ok: true, bytes: new Uint8Array(0) };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes };
}
