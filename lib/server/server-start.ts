/**
 * What the Next.js server does once it starts (instrumentation.ts calls it in the Node.js runtime
 * only): guard requests, open Trellis and resume its runs; a server that cannot open its database
 * would answer 500 to every request, so it stops instead and says why.
 */
import { config, localServerUrl } from "./env";
import { installRequestGuard } from "./request-guard";
import { startTrellisServer } from "./trellis";

export async function startServerOrExit(): Promise<void> {
  installRequestGuard();
  try {
    // The embedded database's lock keeps this URL: a command refused the folder is told to use it.
    await startTrellisServer({ serverUrl: localServerUrl(config()) });
  } catch (err) {
    console.error(`Trellis cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
}
