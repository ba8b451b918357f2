/** The services' log: JSON lines for journald, pretty lines (pino-pretty, loaded only then) on a terminal. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { serviceLogger } from "../../protocol/cli/log.js";

function captured(pretty: boolean): string {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => (text += d.toString()));
  const log = serviceLogger({ name: "alarm-panel", pretty, destination: out });
  log.log("info", "panel running", { io: "sim" });
  log.flush();
  return text;
}

describe("serviceLogger output", () => {
  it("writes one JSON line per entry when not pretty", () => {
    const line = JSON.parse(captured(false).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ name: "alarm-panel", msg: "panel running", io: "sim" });
  });

  it("writes a human line through pino-pretty when pretty", () => {
    const text = captured(true);
    expect(text).toContain("panel running");
    expect(() => JSON.parse(text.trim())).toThrow();
  });
});
