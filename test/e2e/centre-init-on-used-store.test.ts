/**
 * `alarm-provision --init --store URL` on a database that already holds another centre's registry (a
 * wrong database name, a copy-paste from the first machine): refused, one line, nothing written, the
 * first centre's rows untouched; the first centre's own directory may run --init on it again.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as provisionMain } from "../../simulator/centre/cli/alarm-provision.js";
import { captureIo } from "../support/capture-io.js";
import { createDatabase, startPostgres, type TestPostgres } from "../support/postgres.js";

let server: TestPostgres;
let url: string;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  url = await createDatabase(server, "alarm_centre");
  dir = mkdtempSync(join(tmpdir(), "centre-init-used-"));
}, 60_000);
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function provision(centre: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await provisionMain(["--centre", join(dir, centre), ...args], io);
  return { code, out: io.out(), err: io.err() };
}

async function holders(): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM certificates")).rows[0]!.n);
  } finally {
    await c.end();
  }
}

describe("--init --store on a database that holds another centre's registry", () => {
  it("is refused with already-exists and writes no directory; the first centre's --init again still works", async () => {
    expect((await provision("first", "--init", "--store", url)).code).toBe(0);
    expect((await provision("first", "--panel", "U1", "--out", join(dir, "U1"))).code).toBe(0);
    const before = await holders(); // receiver-1 and U1
    expect(before).toBe(2);

    const second = await provision("second", "--init", "--store", url);
    expect(second.code).toBe(1);
    expect(second.err.trim().split("\n")).toEqual([
      expect.stringMatching(/^alarm-provision: already-exists: .* holds another centre's registry already \(2 certificate holder\(s\), 1 panel\(s\)\): .*copies its centre directory instead of --init$/),
    ]);
    expect(existsSync(join(dir, "second"))).toBe(false);
    expect(await holders()).toBe(before);

    expect((await provision("first", "--init", "--store", url)).code).toBe(0); // its own store: idempotent
  });

  it("an empty database is taken as before", async () => {
    const empty = await createDatabase(server, "alarm_centre_2");
    expect((await provision("third", "--init", "--store", empty)).code).toBe(0);
  });
});
