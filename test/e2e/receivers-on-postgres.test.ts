/**
 * Two receiver processes on one PostgreSQL store behind a stock Mosquitto (TLS, dynamic-security ACL,
 * native MQTT v5 shared subscription), 100 panels sending 10 frames each and resending what is not ACKed,
 * as a panel's outbox does. After 300 ACKs the receiver that leads the centre-wide timers is SIGKILLed;
 * after 600 the database is stopped, the last 300 frames are sent, and it is started again. At the end every frame is stored exactly once and ACKed (every outbox
 * empty), the survivor took the roles over within a bounded time, and the frames that arrived while the
 * database was down were held, neither ACKed nor NAKed, until it was back (EN 50136-1: an ACK means stored).
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMosquitto, type RunningMosquitto } from "../../simulator/centre/broker/broker-mosquitto.js";
import { issueCentreClient } from "../../simulator/centre/pki/provisioning.js";
import { openCentreStore } from "../../simulator/centre/store-pg/open-store.js";
import type { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import { makeCentre, type CentreFixture } from "../centre/fixture.js";
import { TestPanel, burglary } from "../centre/test-panel.js";
import { createDatabase, startPostgres, type TestPostgres } from "../support/postgres.js";
import { until } from "../gateway/until.js";

const ROOT = join(import.meta.dirname, "../..");
const PANELS = 100;
const FRAMES = 10;
/** How often the receivers poll the centre-wide roles. */
const LEAD_EVERY_MS = 500;
/** A panel resends a frame not ACKed within this long. */
const RESEND_MS = 2_000;

interface Stats {
  stored: number;
  held: number;
  naks: number;
  leads: string[];
}

let pg: TestPostgres;
let url: string;
let fx: CentreFixture;
let broker: RunningMosquitto;
let store: PgCentreStore;
const children: ChildProcess[] = [];

const ids = Array.from({ length: PANELS }, (_, i) => `Q${String(i).padStart(3, "0")}`);

beforeAll(async () => {
  pg = await startPostgres();
  url = await createDatabase(pg, "centre");
  // TLS logins only: no demo passwords to hash for 100 panels.
  fx = makeCentre(ids.map((id) => ({ id })), Date.now(), { passwords: false });
  store = (await openCentreStore(url)) as PgCentreStore;
  const s = fx.openStore();
  for (const name of ["receiver-1", "receiver-2"]) {
    const kc = issueCentreClient(fx.centre, s, "receiver", name);
    writeFileSync(join(fx.dir, `${name}.key.pem`), kc.keyPem, { mode: 0o600 });
    writeFileSync(join(fx.dir, `${name}.cert.pem`), kc.certPem);
  }
  // Provisioning writes the SQLite file; a PostgreSQL centre registers the same panels and frame keys.
  for (const id of ids) {
    await store.registry.addPanel(id, "SP4", Date.now());
    await store.registry.addFrameKey(fx.panels[id]!.bundle.kid, id, readFileSync(join(fx.dir, "panels", id, "frame.pub.pem"), "utf8"), Date.now());
  }
  broker = await startMosquitto({ ca: fx.centre.ca, server: fx.centre.server, panels: ids });
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await store?.close();
  await broker?.close();
  await pg?.destroy();
  fx?.cleanup();
});

function startReceiver(name: string): Promise<ChildProcess> {
  const args = ["--centre", fx.centre.dir, "--store", url, "--url", `mqtts://localhost:${broker.port}`, "--name", name];
  args.push("--cert", join(fx.dir, `${name}.cert.pem`), "--key", join(fx.dir, `${name}.key.pem`), "--protocol-version", "5", "--lead-every", String(LEAD_EVERY_MS), "--quiet");
  const c = fork(join(ROOT, "simulator/centre/receiver/receiver-main.ts"), args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
  children.push(c);
  let err = "";
  c.stderr?.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    c.once("message", () => resolve(c));
    c.once("exit", (code) => reject(new Error(`receiver ${name} exited with ${code}: ${err}`)));
  });
}

function stats(c: ChildProcess): Promise<Stats> {
  return new Promise((resolve) => {
    c.once("message", (m) => resolve(m as Stats));
    c.send("stats");
  });
}

describe("two receivers on PostgreSQL behind Mosquitto", () => {
  it("1,000 frames from 100 panels, the leading receiver SIGKILLed midway and the database restarted: each frame stored once, every outbox empty", async () => {
    const [r1, r2] = await Promise.all([startReceiver("receiver-1"), startReceiver("receiver-2")]);
    const byName = { "receiver-1": r1, "receiver-2": r2 };
    await until(async () => (await Promise.all([stats(r1), stats(r2)])).flatMap((s) => s.leads).length === 2, 5_000, "both roles led");

    const panels = await Promise.all(
      ids.map((id) => {
        const p = fx.panels[id]!;
        return TestPanel.connect({ url: `mqtts://localhost:${broker.port}`, panel: id, signer: p.signer, centre: fx.centrePublic, connect: { key: p.tls.key, cert: p.tls.cert, ca: fx.centre.ca.certPem, protocolVersion: 5 } });
      }),
    );
    // Each panel's outbox: seq -> its event and when last sent. A frame leaves it only on the centre's ACK.
    // A resend carries the same event (its `at` is when it happened), re-signed with a fresh `sent`, as a
    // panel's outbox does (SIA DC-09: same sequence number, new time stamp). Another event under a seq the
    // centre has stored is a reused number, NAKed seq-reused and never ACKed (EN 50136-1: an alarm is never
    // lost by being taken for a duplicate), so a frame whose first ACK was lost (its receiver SIGKILLed
    // after the commit, a commit cut by the database stop) would stay in the outbox for good.
    const outbox = panels.map(() => new Map<number, { body: ReturnType<typeof burglary>; at: number }>());
    const send = (i: number, seq: number) => {
      const body = outbox[i]!.get(seq)?.body ?? burglary(1 + (seq % 8), Date.now());
      outbox[i]!.set(seq, { body, at: Date.now() });
      void panels[i]!.send(body, { seq }).catch(() => undefined);
    };
    const resend = setInterval(() => {
      panels.forEach((p, i) => {
        for (const [seq, { at }] of outbox[i]!) {
          if (p.acked.has(seq)) outbox[i]!.delete(seq);
          else if (Date.now() - at >= RESEND_MS) send(i, seq);
        }
      });
    }, 200);
    const acked = () => panels.reduce((n, p) => n + p.acked.size, 0);
    try {
      const rounds = async (from: number, to: number) => {
        for (let seq = from; seq < to; seq++) {
          panels.forEach((_, i) => send(i, seq));
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await rounds(0, 5);
      await until(() => acked() >= 300, 20_000, "300 frames ACKed");

      // SIGKILL the receiver that leads supervision; the other takes its roles within a poll period or two.
      const [s1, s2] = await Promise.all([stats(r1), stats(r2)]);
      const victimName = s1.leads.includes("supervision") ? "receiver-1" : "receiver-2";
      const victim = byName[victimName];
      const survivor = victim === r1 ? r2 : r1;
      expect((victim === r1 ? s1 : s2).leads).toContain("supervision");
      victim.kill("SIGKILL");
      const killedAt = Date.now();
      await until(async () => (await stats(survivor)).leads.length === 2, 5_000, "survivor leads both roles");
      const takeoverMs = Date.now() - killedAt;
      await rounds(5, 7);
      await until(() => acked() >= 600, 20_000, "600 frames ACKed");

      // The database goes away; the frames sent meanwhile are held (no ACK, no NAK), then resent and stored.
      await pg.stop();
      await rounds(7, FRAMES);
      await new Promise((r) => setTimeout(r, 300));
      await pg.start();

      await until(() => panels.every((p) => p.acked.size === FRAMES), 40_000, "every frame ACKed").catch((e: Error) => {
        // Which frames, and what the centre said of them: a NAK names the cause (seq-reused, store-failed).
        const left = panels.flatMap((p, i) => [...outbox[i]!.keys()].filter((s) => !p.acked.has(s)).map((s) => `${ids[i]}#${s}${p.naks.filter((n) => n.seq === s).map((n) => ` NAK ${n.reason}`).slice(0, 1).join("")}`));
        throw new Error(`${e.message}: ${left.length} un-ACKed, e.g. ${left.slice(0, 10).join(", ")}`);
      });
      panels.forEach((p, i) => {
        for (const seq of outbox[i]!.keys()) if (p.acked.has(seq)) outbox[i]!.delete(seq);
      });
      const end = await stats(survivor);
      const rows = await store.frames.count();
      const perPanel = await Promise.all(ids.map((id) => store.frames.count(id)));
      const survivorRows = await store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM frames WHERE receiver = $1", [victimName === "receiver-1" ? "receiver-2" : "receiver-1"]);
      const split = await store.db.query<{ receiver: string; n: number }>("SELECT receiver, count(*)::int AS n FROM frames GROUP BY receiver ORDER BY receiver");
      console.log(`[pg-receivers] rows by receiver ${JSON.stringify(split)}`);
      console.log(`[pg-receivers] takeover ${takeoverMs} ms after SIGKILL (poll ${LEAD_EVERY_MS} ms); survivor stored ${end.stored}, held ${end.held} while the database was down`);

      expect(rows).toBe(PANELS * FRAMES);
      // Both stored frames before the kill: the victim died with work in hand.
      expect(split.find((r) => r.receiver === victimName)?.n ?? 0).toBeGreaterThan(0);
      expect(perPanel.every((n) => n === FRAMES)).toBe(true);
      // The survivor raised "stored" once per row it inserted: nothing it handled was handled twice.
      expect(survivorRows[0]!.n).toBe(end.stored);
      expect(end.held).toBeGreaterThan(0);
      expect(end.naks).toBe(0);
      expect(end.leads.sort()).toEqual(["gaps", "supervision"]);
      expect(takeoverMs).toBeLessThan(4 * LEAD_EVERY_MS + 1_000);
      for (const p of panels) expect([...p.acked].sort((a, b) => a - b)).toEqual(Array.from({ length: FRAMES }, (_, i) => i));
      expect(outbox.every((o) => o.size === 0)).toBe(true);
    } finally {
      clearInterval(resend);
      await Promise.all(panels.map((p) => p.close()));
    }
  }, 90_000);
});
