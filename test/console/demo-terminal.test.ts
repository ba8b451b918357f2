/**
 * The terminal demo under a pseudo-terminal (util-linux `script`), as a person types into it: every
 * documented command gets its effect or a one-line answer, a wrong one is answered in one line, and log
 * lines that arrive while the prompt waits never share a line with the `>`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
let child: ChildProcessWithoutNullStreams;
let raw = "";

/** What the terminal shows, line by line: escape sequences and carriage returns resolved. */
function screenLines(): string[] {
  // readline moves to column 1 (CSI G) and clears the line (CSI K) before it reprints the prompt.
  // eslint-disable-next-line no-control-regex
  const text = raw.replace(/\x1b\[\d*G/g, "\r").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  return text.split("\n").map((l) => l.split("\r").filter((x) => x !== "").at(-1) ?? "");
}

function waitFor(re: RegExp, from = 0): Promise<string> {
  return new Promise((resolveLine, reject) => {
    const check = () => {
      const hit = screenLines().slice(from).find((l) => re.test(l));
      if (hit !== undefined) {
        child.stdout.off("data", check);
        clearTimeout(timer);
        resolveLine(hit);
      }
    };
    const timer = setTimeout(() => (child.stdout.off("data", check), reject(new Error(`no line matching ${re} in:\n${screenLines().slice(-30).join("\n")}`))), 25_000);
    child.stdout.on("data", check);
    check();
  });
}

async function type(line: string, expect: RegExp): Promise<string> {
  const from = screenLines().length - 1;
  child.stdin.write(`${line}\r`);
  return waitFor(expect, from);
}

beforeAll(async () => {
  const cmd = "npx tsx simulator/demo/demo.ts --delays 0 --console-port 0 --panel-port 0";
  child = spawn("script", ["-qfec", cmd, "/dev/null"], { cwd: ROOT, env: { ...process.env, TERM: "xterm", COLUMNS: "160" } });
  child.stdout.on("data", (d: Buffer) => (raw += d.toString("utf8")));
  await waitFor(/Type a command/);
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
});

describe("the terminal demo under a pseudo-terminal", () => {
  it("prints the console's address and a demo login once", () => {
    expect(screenLines().filter((l) => /Operators' console: +http:\/\/127\.0\.0\.1:\d+\/console\//.test(l))).toHaveLength(1);
    expect(screenLines().some((l) => /log in as "operator" or "supervisor", password demo-/.test(l))).toBe(true);
  });

  it("answers every documented command, and a wrong one, in one line", async () => {
    expect(await type("help", /open N \| close N/)).toContain("open or close zone N");
    expect(await type("open 3", /zone 3 \(kitchen window\) opened/)).toContain("its area is disarmed, so no alarm");
    expect(await type("close 3", /zone 3 \(kitchen window\) closed/)).toBeTruthy();
    expect(await type("open abc", /open needs one zone number/)).toContain("3 kitchen window");
    expect(await type("open 9", /there is no wired zone 9/)).toBeTruthy();
    expect(await type("keys 1234", /nothing sent; end with an action/)).toContain("keys 1234 off");
    await type("keys 1234 away", /keypad +area 1 armed/);
    expect(await type("status", /house: armed away/)).toBeTruthy();
    await type("keys 1234 off", /keypad +area 1 disarmed/);
    expect(await type("ac lost", /mains power lost/)).toBeTruthy();
    expect(await type("ac ok", /mains power back/)).toBeTruthy();
    expect(await type("link cut", /line cut: events wait in the outbox/)).toBeTruthy();
    expect(await type("link restore", /line restored/)).toBeTruthy();
    expect(await type("frobnicate", /unknown command "frobnicate"; type help/)).toBeTruthy();
    expect(await type("keys 12ab away", /"12ab" is not a key/)).toBeTruthy();
  }, 60_000);

  it("keeps the prompt off the log lines, and quits with status 0", async () => {
    // The first line may carry npx's spinner; every later log line starts at column 1.
    const logLines = screenLines().slice(1).filter((l) => /\d\d:\d\d:\d\d {2}\S/.test(l));
    expect(logLines.length).toBeGreaterThan(5);
    expect(logLines.filter((l) => !/^\d\d:\d\d:\d\d {2}/.test(l))).toEqual([]);
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.stdin.write("quit\r");
    expect(await exited).toBe(0);
  });
});
