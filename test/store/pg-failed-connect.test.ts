/**
 * A connection that fails during authentication is closed by the client at once. node-postgres drops
 * such a client from its pool without ending it, so its socket stayed open until the server's
 * authentication_timeout (60 s by default) and kept a failed `alarm-provision --init` alive that long.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";

/** An Authentication message (PostgreSQL protocol, 55.7 Message Formats): 10 SASL, 11 SASLContinue. */
function auth(kind: 10 | 11, body: string): Buffer {
  const data = Buffer.from(body);
  const b = Buffer.alloc(1 + 4 + 4 + data.length);
  b.write("R", 0);
  b.writeInt32BE(4 + 4 + data.length, 1);
  b.writeInt32BE(kind, 5);
  data.copy(b, 9);
  return b;
}

describe("a PostgreSQL login that fails", () => {
  let server: Server;
  let port = 0;
  let home = "";
  const saved = { PGPASSWORD: process.env["PGPASSWORD"], HOME: process.env["HOME"], PGPASSFILE: process.env["PGPASSFILE"] };
  const sockets: Socket[] = [];

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), "pg-home-"));
    delete process.env["PGPASSWORD"];
    delete process.env["PGPASSFILE"];
    process.env["HOME"] = home; // no ~/.pgpass either: no password anywhere
    // A server that asks for a SCRAM password and never closes the connection itself.
    server = createServer((s) => {
      sockets.push(s);
      let n = 0;
      s.on("data", () => {
        n += 1;
        // The startup message, then the client's SASLInitialResponse (RFC 5802 client-first-message).
        if (n === 1) s.write(auth(10, "SCRAM-SHA-256\0\0"));
        else if (n === 2) s.write(auth(11, "r=abcdefghijklmnopqrstuvwxyz0123456789,s=c2FsdHNhbHQ=,i=4096"));
      });
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise((r) => server.close(r));
    rmSync(home, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("no password given: store-failed, and the client closes its socket (nothing keeps the process alive)", async () => {
    await expect(PgCentreStore.open(`postgres://alarm@127.0.0.1:${port}/centre`, { connectTimeoutMs: 5000 })).rejects.toMatchObject({ code: "store-failed" });
    expect(sockets.length).toBeGreaterThan(0);
    // Each socket the client opened is closed from the client's side; before, none was, until the server gave up.
    await Promise.all(sockets.map((s) => (s.closed ? Promise.resolve() : new Promise((r) => s.once("close", r)))));
    expect(sockets.every((s) => s.closed)).toBe(true);
  }, 10_000);
});
