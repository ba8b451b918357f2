/**
 * On SQLite the services and the receivers share one connection. A services transaction that waits on
 * something outside the database (here a turn of the event loop) must not let a receiver's write join it:
 * that write would be committed only with the services' transaction, or rolled back with it, after the
 * panel had its ACK. The store refuses it as store-unavailable (the receiver holds the frames, the panel
 * resends) until the transaction ends; reads go on.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SqliteServicesDb } from "../../simulator/centre/services/sqlite-services-db.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";

let sqlite: CentreStore | undefined;
afterEach(() => sqlite?.close());

describe("the services' transaction and the receivers' writes on one SQLite connection", () => {
  it("a write while a services transaction is open is store-unavailable and changes nothing; it goes through once the transaction ended", async () => {
    sqlite = CentreStore.open(":memory:");
    const store = SqliteCentreStore.over(sqlite);
    const services = new SqliteServicesDb(sqlite.db);
    await services.migrate(0);
    await store.registry.addPanel("P1", "SP4", 1);

    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const tx = services.tx(async () => {
      await services.run("INSERT INTO svc_audit (at, actor, action, entity, entity_id) VALUES (1, 't', 'x', 'panel', 'P1')");
      inside();
      await held; // a real wait: other tasks of the event loop run meanwhile
      throw new Error("the services' action fails after all");
    });
    await opened;
    await expect(store.registry.setStatus("P1", "online", 2)).rejects.toMatchObject({ code: "store-unavailable" });
    await expect(store.alarms.raise({ panel: "P1", kind: "event", key: "130:z1", title: "burglary", priority: 1, at: 2 })).rejects.toMatchObject({ code: "store-unavailable" });
    expect((await store.registry.panel("P1"))?.status ?? null).toBeNull(); // reads go on
    finish();
    await expect(tx).rejects.toThrow("the services' action fails after all");
    expect(await services.all("SELECT * FROM svc_audit")).toEqual([]);

    await store.registry.setStatus("P1", "online", 3);
    expect((await store.registry.panel("P1"))?.status).toBe("online");
  });
});
