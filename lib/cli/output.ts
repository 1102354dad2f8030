/**
 * Where the CLI writes. Human output goes to stdout. With --json, stdout holds exactly one
 * JSON document (the result); what happens live (progress, questions) goes to stderr, and the
 * text that only restates the result is left out. Colours only on a terminal, never with
 * NO_COLOR or --no-color.
 */
export interface Streams {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const COLORS: Colors = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39), cyan: ansi(36, 39) };
const PLAIN: Colors = { bold: String, dim: String, red: String, green: String, yellow: String, cyan: String };

export class Output {
  readonly c: Colors;
  private readonly human: Streams["out"];

  constructor(readonly json: boolean, color: boolean, readonly streams: Streams = { out: process.stdout, err: process.stderr }) {
    this.human = json ? streams.err : streams.out;
    const tty = Boolean(this.human.isTTY);
    this.c = color && tty && !process.env.NO_COLOR ? COLORS : PLAIN;
  }

  /** A line of the human result (left out with --json, whose document holds the same). */
  line(text = ""): void {
    if (!this.json) this.streams.out.write(`${text}\n`);
  }

  /** A line about what is happening now: stdout, or stderr with --json. */
  progress(text = ""): void {
    this.human.write(`${text}\n`);
  }

  /** A problem or a note that is not the result: always stderr. */
  warn(text: string): void {
    this.streams.err.write(`${text}\n`);
  }

  /** The result document, with --json; ignored otherwise. */
  result(value: unknown): void {
    if (this.json) this.streams.out.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Text that asks for an answer: on stderr, so stdout stays the result. */
  ask(text: string): void {
    this.streams.err.write(text);
  }
}

/** Waits until what was written to stdout and stderr has been handed to the OS, so exiting loses nothing. */
export async function flush(streams: Streams = { out: process.stdout, err: process.stderr }): Promise<void> {
  await Promise.all([streams.out, streams.err].map((s) => new Promise<void>((resolve) => void s.write("", () => resolve()))));
}
