/** A command's password: from the environment when set, else the first line of stdin; empty is refused. */
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
