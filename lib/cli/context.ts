/** What every command gets: output, the client (made on first use), the prompter, paths, Ctrl-C. */
import path from "node:path";
import type { TrellisClient } from "./client";
import type { Output } from "./output";
import type { Prompter } from "./prompt";

export interface Context {
  out: Output;
  verbose: boolean;
  /** the folder the command was started in; relative paths are resolved against it */
  cwd: string;
  client(): TrellisClient;
  prompter(): Prompter;
  interrupts: Interrupts;
}

export function resolvePath(ctx: Context, p: string): string {
  return path.resolve(ctx.cwd, p);
}

/**
 * Ctrl-C: the first one goes to the current handler (cancel the run, or stop following it),
 * the second one exits at once. Without a handler, Ctrl-C exits.
 */
export class Interrupts {
  private handler: (() => void) | undefined;
  private count = 0;

  constructor(private readonly exit: () => void) {}

  install(): void {
    process.on("SIGINT", () => {
      this.count++;
      if (this.count > 1 || !this.handler) this.exit();
      else this.handler();
    });
  }

  /** Handles the next Ctrl-C; returns the undo. */
  on(handler: () => void): () => void {
    this.handler = handler;
    return () => {
      if (this.handler === handler) this.handler = undefined;
    };
  }
}
