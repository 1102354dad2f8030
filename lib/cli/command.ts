/** A CLI command: its help text and what it does. Each parses its own options (args.ts). */
import type { Context } from "./context";

export interface Command {
  name: string;
  summary: string;
  /** usage lines, without the leading `trellis ` */
  usage: string[];
  /** options and notes for `trellis <command> --help` */
  details: string[];
  run(ctx: Context, argv: string[]): Promise<number>;
}
