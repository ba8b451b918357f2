/** A command's password: from the environment when set, else the first line of stdin; empty is refused. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { readSecret } from "../../simulator/centre/cli/read-secret.js";
import { captureIo } from "../support/capture-io.js";

const o = { env: "TEST_SECRET", prompt: "password: " };

describe("readSecret", () => {
  it("takes the environment variable first, without reading stdin or prompting", async () => {
    const io = captureIo("from-stdin\n");
    expect(await readSecret(io, { ...o, environment: { TEST_SECRET: "from-env-1" } })).toBe("from-env-1");
    expect(io.err()).toBe("");
  });

  it("else the first line of stdin, as typed (CRLF ends it too; spaces kept)", async () => {
    expect(await readSecret(captureIo("first line pass\nsecond\n"), { ...o, environment: {} })).toBe("first line pass");
    expect(await readSecret(captureIo("windows-pass\r\n"), { ...o, environment: {} })).toBe("windows-pass");
    expect(await readSecret(captureIo("no-newline-pass"), { ...o, environment: {} })).toBe("no-newline-pass");
  });

  it("an empty stdin, an empty line or an empty variable is a typed refusal naming where a password may come from", async () => {
    for (const [stdin, environment] of [["", {}], ["\n", {}], ["x\n", { TEST_SECRET: "" }]] as const) {
      await expect(readSecret(captureIo(stdin), { ...o, environment })).rejects.toMatchObject({ code: "bad-argument", message: expect.stringContaining("set TEST_SECRET") });
    }
  });
});

/** A terminal on stdin: raw mode is set while typing and put back after; nothing is echoed. */
function terminal(keys: string) {
  const io = captureIo();
  const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode(on: boolean) { stdin.raw.push(on); return stdin; } });
  queueMicrotask(() => stdin.write(keys));
  return { io: { ...io, stdin }, stdin, err: io.err };
}

describe("readSecret at a terminal", () => {
  it("prompts on stderr, takes keys until Enter with Backspace erasing, echoes none of them, and leaves raw mode", async () => {
    const t = terminal("secret-pasX\u007fs\r");
    expect(await readSecret(t.io, { ...o, environment: {} })).toBe("secret-pass");
    expect(t.err()).toBe("password: \n");
    expect(t.stdin.raw).toEqual([true, false]);
  });

  it("Ctrl-C gives up with a typed refusal and leaves raw mode", async () => {
    const t = terminal("half\u0003");
    await expect(readSecret(t.io, { ...o, environment: {} })).rejects.toMatchObject({ code: "bad-argument", message: "bad-argument: no password: cancelled at the prompt" });
    expect(t.stdin.raw).toEqual([true, false]);
  });
});
