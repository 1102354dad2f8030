/**
 * Questions on the terminal, answered a line at a time from stdin. Works the same when
 * stdin is a pipe (answers arrive before they are asked for and wait in a queue), which is
 * how scripts and tests drive interactive runs. End of input answers `null`.
 */
import { createInterface, type Interface } from "node:readline";

export class Prompter {
  private readonly rl: Interface;
  private readonly queue: string[] = [];
  private waiting: ((line: string | null) => void) | undefined;
  private ended = false;

  constructor(private readonly write: (text: string) => void, input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on("line", (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(line);
      } else this.queue.push(line);
    });
    this.rl.on("close", () => {
      this.ended = true;
      const w = this.waiting;
      this.waiting = undefined;
      w?.(null);
    });
  }

  ask(question: string): Promise<string | null> {
    this.write(question);
    const next = this.queue.shift();
    if (next !== undefined) {
      // Echo piped answers, so a transcript reads like a conversation.
      if (!process.stdin.isTTY) this.write(`${next}\n`);
      return Promise.resolve(next);
    }
    if (this.ended) {
      this.write("\n");
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      this.waiting = (line) => {
        if (line !== null && !process.stdin.isTTY) this.write(`${line}\n`);
        resolve(line);
      };
    });
  }

  close(): void {
    this.rl.close();
  }
}
