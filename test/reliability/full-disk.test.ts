/**
 * A full disk under the gateway's outbox: SQLite cannot grow the file (SQLITE_FULL). report() refuses with
 * GatewayError "store-full" (the panel keeps the event in its own log), the gateway does not crash
 * (heartbeats due, ACK deletions and link events that cannot be written are logged and emitted as
 * "storage"), nothing stored before is lost or delivered twice, and delivery resumes when space returns.
 * The disk is a real 512 KiB tmpfs filled up with files where this runs as root with mount rights; elsewhere
 * SQLite's own page limit (PRAGMA max_page_count) makes the same SQLITE_FULL.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import type { Db } from "../../gateway/database.js";
import type { GatewayError } from "../../gateway/errors.js";
import { checkDelivery } from "../gateway/delivery.js";
import { harness } from "../gateway/sim-harness.js";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const AT = 1_700_000_000_000;
const ev = (i: number): Event =>
  i % 2 === 0 ? { code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 1 + (i % 99), at: AT + i } : { code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user: 1, at: AT + i };

interface Disk {
  readonly dir: string;
  readonly kind: "tmpfs" | "max_page_count";
}

/** A 512 KiB tmpfs when mount is allowed, else a plain temp dir. */
function smallDisk(): Disk {
  const dir = mkdtempSync(join(tmpdir(), "full-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", dir], { stdio: "ignore" });
  } catch {
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return { dir, kind: "max_page_count" };
  }
  cleanups.push(() => {
    execFileSync("umount", ["-l", dir], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, kind: "tmpfs" };
}

/** Make the disk full; returns how to give the space back. */
function fill(disk: Disk, gatewayDb: Db): () => void {
  if (disk.kind === "max_page_count") {
    const pages = gatewayDb.pragma("page_count", { simple: true }) as number;
    gatewayDb.pragma(`max_page_count = ${pages}`);
    return () => gatewayDb.pragma("max_page_count = 1073741823");
  }
  const files: string[] = [];
  for (const size of [65_536, 4096, 512]) {
    for (;;) {
      const f = join(disk.dir, `filler-${files.length}`);
      try {
        writeFileSync(f, Buffer.alloc(size));
        files.push(f);
      } catch {
        rmSync(f, { force: true });
        break;
      }
    }
  }
  return () => files.forEach((f) => unlinkSync(f));
}

/** `s` virtual seconds, yielding to the event loop each one (the receiver flushes its ACKs on setImmediate). */
async function run(h: ReturnType<typeof harness>, s: number): Promise<void> {
  for (let k = 0; k < s; k++) {
    h.clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
}

describe("full disk under the outbox (SQLITE_FULL)", () => {
  it("refuses reports with store-full, keeps running, loses and doubles nothing, and delivers again when space returns", async () => {
    const disk = smallDisk();
    const h = harness({ db: join(disk.dir, "gateway.db"), category: "SP6" });
    cleanups.push(() => h.gw.stop());
    const storage: GatewayError[] = [];
    h.gw.on("storage", ({ error }) => storage.push(error));
    await h.gw.start();
    h.clock.advance(5);
    const stored: number[] = [];
    for (let i = 0; i < 20; i++) (h.gw.report(ev(i)), stored.push(i));
    for (let i = 20; i < 30; i++) (h.gw.report(ev(i)), stored.push(i)); // these are still in flight at the fill

    const free = fill(disk, (h.gw as unknown as { db: Db }).db);
    const refused: unknown[] = [];
    for (let i = 30; i < 50; i++) {
      try {
        h.gw.report(ev(i));
        stored.push(i);
      } catch (e) {
        refused.push(e);
      }
    }
    // Some ten heartbeat intervals (SP6: 20 s) and ACKs while full: nothing may throw out of a timer.
    await run(h, 200);
    expect(h.gw.state).toBe("running");
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(e).toMatchObject({ name: "GatewayError", code: "store-full" });
    expect(storage.length).toBeGreaterThan(0); // at least one heartbeat could not be written
    expect(storage.every((e) => e.code === "store-full")).toBe(true);

    free();
    for (let i = 50; i < 70; i++) (h.gw.report(ev(i)), stored.push(i));
    await run(h, 100);
    const events = h.centre.events("p1").filter((e) => e.code !== Cid.CommTrouble);
    checkDelivery(events, stored.map((i) => AT + i));
    expect(h.gw.depth().byClass.slice(0, 3)).toEqual([0, 0, 0]); // every event class drained
    console.log(`[full disk] ${disk.kind}: ${refused.length} reports refused with store-full, ${storage.length} background writes refused, ${events.length} of ${stored.length} stored events delivered once`);
  });
});
