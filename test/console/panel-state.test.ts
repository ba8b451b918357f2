/**
 * A panel as the console shows it: link up until its EN 50136-1 reporting time has passed (SP4: 180 s,
 * in time at exactly 180 s, late 1 ms after), down on its offline status, unknown before it is heard;
 * the last heartbeat read back through the wire schema.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { panelState } from "../../simulator/console/panel-state.js";

const T0 = Date.UTC(2026, 2, 2, 9, 0);
let centre: CentreStore;
/** The console reads through the store port, as alarm-centre gives it (SQLite here, PostgreSQL alike). */
const port = () => SqliteCentreStore.over(centre);
beforeEach(() => {
  centre = CentreStore.open(":memory:");
  centre.registry.addPanel("P1", "SP4", T0);
});
afterEach(() => centre.close());

function heard(seq: number, at: number, payload: object): void {
  centre.db.prepare("INSERT INTO frames (panel, seq, kid, sent, received_at, receiver, payload, frame) VALUES ('P1', ?, 'P1', ?, ?, 'r1', ?, x'00')").run(seq, at, at, JSON.stringify(payload));
  centre.db.prepare("UPDATE panels SET last_seen = ? WHERE panel = 'P1'").run(at);
}

describe("a panel's link state on the console", () => {
  it("is unknown before the panel is heard, and for a panel the centre does not know", async () => {
    expect(await panelState(port(), "P1", T0)).toMatchObject({ registered: true, category: "SP4", reportingMs: 180_000, link: "unknown", lastSeen: null, heartbeat: null });
    expect(await panelState(port(), "P9", T0)).toMatchObject({ registered: false, link: "unknown" });
  });

  it("is up at exactly the reporting time since it was last heard, late 1 ms after", async () => {
    heard(1, T0, { seq: 1, sent: T0, heartbeat: { areas: [{ area: 1, mode: "away" }], troubles: [301], outbox: 2 } });
    expect((await panelState(port(), "P1", T0 + 180_000)).link).toBe("up");
    expect((await panelState(port(), "P1", T0 + 180_001)).link).toBe("late");
  });

  it("is down when its last status is offline (its will), whatever it sent before", async () => {
    heard(1, T0, { seq: 1, sent: T0, heartbeat: { areas: [], troubles: [], outbox: 0 } });
    centre.registry.setStatus("P1", "offline", T0 + 1);
    expect((await panelState(port(), "P1", T0 + 2)).link).toBe("down");
  });

  it("shows the newest heartbeat, not a later event frame, with trouble names from the catalogue", async () => {
    heard(1, T0, { seq: 1, sent: T0, heartbeat: { areas: [{ area: 1, mode: "disarmed" }], troubles: [], outbox: 0 } });
    heard(2, T0 + 10, { seq: 2, sent: T0 + 10, heartbeat: { areas: [{ area: 1, mode: "away" }], troubles: [301], outbox: 2 } });
    heard(3, T0 + 20, { seq: 3, sent: T0 + 20, events: [{ code: 130, q: 1, area: 1, zone: 3, at: T0 + 20 }] });
    expect((await panelState(port(), "P1", T0 + 30)).heartbeat).toEqual({ at: T0 + 10, areas: [{ area: 1, mode: "away" }], troubles: [{ code: 301, name: "AC loss" }], outbox: 2 });
  });
});
