/**
 * Until the services run on the store port, alarm-centre starts them on a SQLite store only: on
 * PostgreSQL it says so in one line and serves no --http, and alarm-provision --add-operator refuses.
 */
import { describe, expect, it } from "vitest";
import { addOperator } from "../../simulator/centre/cli/add-operator.js";
import { startCentreServices } from "../../simulator/centre/cli/centre-services.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";

const postgres = { kind: "postgres" } as unknown as CentreStorePort;

describe("the services on a PostgreSQL store (for now)", () => {
  it("alarm-centre logs one line and starts no services", async () => {
    const log = new MemoryLogger();
    const started = await startCentreServices({ dir: "/centre", store: postgres, centreKey: undefined as never, receivers: [], http: { host: "127.0.0.1", port: 0 }, logger: log });
    expect(started).toBeUndefined();
    expect(log.lines).toEqual([{ level: "warn", msg: "services, console and operator API not started: on PostgreSQL they come with the services' store port; --http is not served" }]);
  });

  it("--add-operator is a typed refusal", async () => {
    await expect(addOperator(postgres, "root", "admin", "first-admin-pass")).rejects.toMatchObject({ code: "bad-argument", message: expect.stringContaining("PostgreSQL") });
  });
});
