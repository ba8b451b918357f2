import { describe, expect, it } from "vitest";
import { CodedError } from "../../protocol/errors.js";
import { hostPortFlag, intFlag, runCommand, UsageError } from "../../protocol/cli/command-line.js";
import { captureIo } from "../support/capture-io.js";

const io = () => captureIo();

const spec = {
  name: "tool",
  usage: "usage: tool [--n N] [--flag]",
  options: { n: { type: "string" }, flag: { type: "boolean" } },
  positionals: { max: 1 },
} as const;

describe("one argument layer for every command", () => {
  it("--help prints the usage to stdout and exits 0", async () => {
    const t = io();
    expect(await runCommand(spec, ["--help"], t, () => 1)).toBe(0);
    expect(t.out()).toBe("usage: tool [--n N] [--flag]\n");
    expect(t.err()).toBe("");
  });

  it("--version prints the package version and exits 0", async () => {
    const t = io();
    expect(await runCommand(spec, ["--version"], t, () => 1)).toBe(0);
    expect(t.out()).toMatch(/^tool \d+\.\d+\.\d+\n$/);
  });

  it("an unknown flag is exit 2 with one line naming it", async () => {
    const t = io();
    expect(await runCommand(spec, ["--bogus"], t, () => 0)).toBe(2);
    expect(t.err()).toMatch(/^tool: .*'--bogus'.*\n$/);
    expect(t.err().trim().split("\n")).toHaveLength(1);
  });

  it("a missing value is exit 2 naming the flag", async () => {
    const t = io();
    expect(await runCommand(spec, ["--n"], t, () => 0)).toBe(2);
    expect(t.err()).toMatch(/--n/);
  });

  it("a value that starts with a dash is exit 2 saying how to write it (not node's 'argument is ambiguous')", async () => {
    const t = io();
    expect(await runCommand(spec, ["--n", "-5"], t, () => 0)).toBe(2);
    expect(t.err()).toBe("tool: --n needs a value; one that starts with a dash is written --n=-VALUE (see --help)\n");
  });

  it("too many positionals is exit 2", async () => {
    const t = io();
    expect(await runCommand(spec, ["a", "b"], t, () => 0)).toBe(2);
    expect(t.err()).toMatch(/unexpected argument 'b'/);
  });

  it("a bad number in the body is exit 2 naming the flag and the value", async () => {
    const t = io();
    expect(await runCommand(spec, ["--n", "x"], t, (a) => void intFlag("n", a.values.n, 0, 9))).toBe(2);
    expect(t.err()).toBe("tool: --n takes a whole number from 0 to 9, not 'x'\n");
  });

  it("a typed failure is exit 1 with its code, no stack", async () => {
    const t = io();
    const code = await runCommand(spec, [], t, () => {
      throw new CodedError("no-such-panel", "P9 is not provisioned");
    });
    expect(code).toBe(1);
    expect(t.err()).toBe("tool: no-such-panel: P9 is not provisioned\n");
  });

  it("a system error names its code and path", async () => {
    const t = io();
    const { readFileSync } = await import("node:fs");
    expect(await runCommand(spec, [], t, () => void readFileSync("/nonexistent/panel.yaml"))).toBe(1);
    expect(t.err()).toMatch(/^tool: ENOENT: .*\/nonexistent\/panel\.yaml/);
    expect(t.err()).not.toMatch(/\n\s+at /);
  });

  it("the body's status is the exit status", async () => {
    expect(await runCommand(spec, ["--flag"], io(), (a) => (a.values.flag ? 0 : 3))).toBe(0);
    expect(await runCommand(spec, [], io(), (a) => (a.values.flag ? 0 : 3))).toBe(3);
  });

  it("HOST:PORT flags: both sides", () => {
    expect(hostPortFlag("http", "127.0.0.1:8080")).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(hostPortFlag("http", "[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(() => hostPortFlag("http", "8080")).toThrow(UsageError);
    expect(() => hostPortFlag("http", "h:65536")).toThrow(/--http takes HOST:PORT/);
  });

  it("intFlag bounds: both sides", () => {
    expect(intFlag("n", "9", 0, 9)).toBe(9);
    expect(() => intFlag("n", "10", 0, 9)).toThrow(UsageError);
    expect(intFlag("n", undefined, 0, 9)).toBeUndefined();
  });
});
