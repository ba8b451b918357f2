/**
 * Two receivers share one store file and each supervises every panel (EN 50136-1 reporting times), so both
 * may notice the same silent panel at once: the one that loses the race to open the transmission-fault
 * alarm must join the alarm the other opened (one fault, one alarm), not die on the open-alarm index.
 * Found by `npm run soak -- load`: a receiver process exited with SQLITE_CONSTRAINT_UNIQUE.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

const fault = (at: number) => ({ panel: "P1", kind: "transmission-fault" as const, key: "transmission-fault", title: "transmission fault", priority: 1, at });

describe("two receivers raising the same alarm at once", () => {
  it("the second joins the alarm the first opened between its look and its insert", () => {
    const dir = mkdtempSync(join(tmpdir(), "alarm-race-"));
    const a = CentreStore.open(join(dir, "centre.db"));
    const b = CentreStore.open(join(dir, "centre.db"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => a.close(), () => b.close());
    a.registry.addPanel("P1", "SP6", 1000);
    // Receiver A looks (no open alarm) ... receiver B opens it ... A inserts.
    const look = a.alarms.openAlarm.bind(a.alarms);
    let first = true;
    a.alarms.openAlarm = (panel: string, key: string) => {
      if (!first) return look(panel, key);
      first = false;
      b.alarms.raise(fault(2000));
      return undefined;
    };
    const r = a.alarms.raise(fault(2001));
    expect(r.created).toBe(false);
    expect(a.alarms.list().filter((x) => x.key === "transmission-fault")).toHaveLength(1);
    expect(r.id).toBe(b.alarms.openId("P1", "transmission-fault"));
  });

  it("without a race, the first raise opens the alarm and the next joins it", () => {
    const s = CentreStore.open(":memory:");
    cleanups.push(() => s.close());
    s.registry.addPanel("P1", "SP6", 1000);
    expect(s.alarms.raise(fault(2000)).created).toBe(true);
    expect(s.alarms.raise(fault(3000)).created).toBe(false);
  });
});
