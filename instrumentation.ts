/** Opens Trellis when the server starts, so unfinished runs resume without waiting for a request. */
export async function register() {
  // Node.js only: the module (and its process.exit) is never part of an Edge build.
  if (process.env.NEXT_RUNTIME === "nodejs") await (await import("./lib/server/server-start")).startServerOrExit();
}
