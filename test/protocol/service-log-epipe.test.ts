/**
 * A service outlives the reader of its log: `alarm-centre | head` once died with an EPIPE stack trace
 * when `head` exited. A real pipe, closed by its reader, under a child process that keeps logging.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const child = `
import { serviceLogger } from "./protocol/cli/log.ts";
const log = serviceLogger({ name: "alarm-centre", pretty: false });
let n = 0;
const t = setInterval(() => {
  log.log("info", "stored", { n: ++n, pad: "x".repeat(2000) });
  if (n === 400) { clearInterval(t); process.stderr.write("still running after " + n + " lines\\n"); }
}, 1);
`;

describe("serviceLogger when the reader of stdout goes away", () => {
  it("keeps the process running, says so once on stderr, and exits 0", async () => {
    const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    // Read one chunk, then close our end of the pipe, as `head -1` does.
    await new Promise<void>((r) => p.stdout.once("data", () => r()));
    p.stdout.destroy();
    const code = await new Promise<number | null>((r) => p.on("exit", r));
    expect(err).toContain("still running after 400 lines");
    expect(err.match(/reader of this log has gone/g)).toHaveLength(1);
    expect(err).not.toMatch(/ at .*\(|Error:/);
    expect(code).toBe(0);
  }, 30_000);
});
