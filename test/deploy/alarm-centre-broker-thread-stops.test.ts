/**
 * alarm-centre cannot run without its broker: when the embedded broker's thread stops by itself, the
 * command logs why, closes everything and exits 1, so systemd (Restart=on-failure) starts it again. Found
 * as "the centre logs an error line and keeps running without a broker".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceLogger } from "../../protocol/cli/log.js";
import { freePort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { main as centreMain } from "../../simulator/centre/cli/alarm-centre.js";
import type { CentreService } from "../../simulator/centre/cli/centre-service.js";
import { main as provisionMain } from "../../simulator/centre/cli/alarm-provision.js";
import { captureIo } from "../support/capture-io.js";

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "centre-thread-stops-"));
  expect(await provisionMain(["--centre", join(dir, "centre"), "--init"], captureIo())).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("alarm-centre when its broker thread stops", () => {
  it("logs the reason, closes, and exits 1; a SIGTERM-like stop still exits 0", async () => {
    for (const crash of [true, false]) {
      const lines: Record<string, unknown>[] = [];
      const logger: ServiceLogger = { log: (level, msg, f) => void lines.push({ level, msg, ...f }), child: () => logger, flush: () => {} };
      let stop: (why: string) => void = () => {};
      let service: CentreService | undefined;
      const exited = centreMain(["--centre", join(dir, "centre"), "--mqtt", `127.0.0.1:${await freePort()}`, "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], captureIo(), {
        logger,
        stopSignal: new Promise((r) => (stop = r)),
        started: (s) => (service = s),
      });
      while (!service) await new Promise((r) => setTimeout(r, 20));
      expect(service.brokerThread).toBeDefined();
      if (crash) await service.brokerThread!.close(); // the thread ends without the centre asking
      else stop("SIGTERM");
      expect(await exited).toBe(crash ? 1 : 0);
      const errors = lines.filter((l) => l.level === "error").map((l) => l.msg);
      if (crash) expect(errors).toEqual([expect.stringMatching(/embedded broker's thread stopped \(exit code 0\).*exit 1/)]);
      else expect(errors).toEqual([]);
      expect(lines.at(-1)?.msg).toBe("stopped");
    }
  }, 60_000);
});
