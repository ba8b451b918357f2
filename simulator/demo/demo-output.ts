/**
 * The demo's output lines: local time, who, what. While the terminal waits for a command, a line that
 * arrives is printed above the prompt and the prompt (with whatever was typed) is drawn again below it,
 * so the `>` never ends up inside a log line.
 */
import { clearLine, cursorTo, type Interface } from "node:readline";
import { clockTime } from "./demo-text.js";

export class DemoOutput {
  #rl: Interface | undefined;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  /** The terminal's readline while it is prompting; undefined when it stops. */
  attach(rl: Interface | undefined): void {
    this.#rl = rl;
  }

  say(who: string, what: string): void {
    this.line(`${clockTime(Date.now())}  ${who.padEnd(8)} ${what}`);
  }

  /** An answer to the command just typed (no time, indented). */
  answer(text: string): void {
    this.line(`          ${text}`);
  }

  banner(lines: readonly string[]): void {
    const w = Math.max(...lines.map((l) => l.length));
    this.line(`┌${"─".repeat(w + 2)}┐`);
    for (const l of lines) this.line(`│ ${l.padEnd(w)} │`);
    this.line(`└${"─".repeat(w + 2)}┘`);
  }

  line(text: string): void {
    const rl = this.#rl;
    if (!rl || !this.stream.isTTY) {
      this.stream.write(`${text}\n`);
      return;
    }
    cursorTo(this.stream, 0);
    clearLine(this.stream, 0);
    this.stream.write(`${text}\n`);
    rl.prompt(true);
  }
}
