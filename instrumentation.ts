/** Opens Trellis when the server starts, so unfinished runs resume without waiting for a request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installRequestGuard } = await import("./lib/server/request-guard");
  installRequestGuard();
  const { startTrellisServer } = await import("./lib/server/trellis");
  try {
    await startTrellisServer();
  } catch (err) {
    // A server that cannot open its database would answer 500 to every request: stop instead, and say why.
    console.error(`Trellis cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
}
