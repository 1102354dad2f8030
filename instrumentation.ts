/** Opens Trellis when the server starts, so unfinished runs resume without waiting for a request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startTrellisServer } = await import("./lib/server/trellis");
  await startTrellisServer();
}
