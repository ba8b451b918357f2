/** An Io for calling a command as a function in a test: stdin from a string, stdout and stderr captured. */
import { PassThrough, Readable } from "node:stream";
import type { Io } from "../../protocol/cli/command-line.js";

export function captureIo(stdin = ""): Io & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = "";
  let e = "";
  stdout.on("data", (d) => (o += d));
  stderr.on("data", (d) => (e += d));
  return { stdin: Readable.from([stdin]), stdout, stderr, out: () => o, err: () => e };
}
