/**
 * A password for a command, never from its command line (which `ps` and shell history show to anyone):
 * from an environment variable when set (a deployment script), else typed at a prompt without echo on a
 * terminal, else the first line of stdin (`... < file`, a pipe). Nothing here logs or prints it.
 */
import { createInterface } from "node:readline";
import type { Io } from "../../../protocol/cli/command-line.js";
import { CentreError } from "../errors.js";

export async function readSecret(io: Io, o: { readonly env: string; readonly prompt: string; readonly environment?: NodeJS.ProcessEnv }): Promise<string> {
  const fromEnv = (o.environment ?? process.env)[o.env];
  const tty = io.stdin as Partial<NodeJS.ReadStream>;
  const secret = fromEnv !== undefined ? fromEnv : tty.isTTY && tty.setRawMode ? await typed(io, tty as NodeJS.ReadStream, o.prompt) : await firstLine(io);
  if (secret === "") throw new CentreError("bad-argument", `no password: set ${o.env}, or type it at the prompt, or give it as the first line of stdin`);
  return secret;
}

async function firstLine(io: Io): Promise<string> {
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
  try {
    for await (const line of rl) return line;
    return "";
  } finally {
    rl.close();
  }
}

/** Raw mode: each key arrives as typed and is not echoed; Enter ends, Backspace erases, Ctrl-C gives up. */
function typed(io: Io, stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let secret = "";
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write("\n");
      if (err) reject(err);
      else resolve(secret);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new CentreError("bad-argument", "no password: cancelled at the prompt"));
        if (ch === "\u007f" || ch === "\b") secret = secret.slice(0, -1);
        else secret += ch;
      }
    };
    stdin.on("data", onData);
  });
}
