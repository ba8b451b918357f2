/** The throwaway PostgreSQL cluster the store tests run on: up, restartable, gone after destroy(). */
import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startPostgres } from "../support/postgres.js";

async function ping(url: string): Promise<number> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query<{ one: number }>("SELECT 1 AS one")).rows[0]!.one;
  } finally {
    await c.end();
  }
}

describe("test/support/postgres.ts", () => {
  it("starts a cluster on loopback, restarts it on the same port, and removes it", async () => {
    const server = await startPostgres();
    try {
      expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(await ping(server.url)).toBe(1);
      await server.restart();
      expect(await ping(server.url)).toBe(1);
      await server.stop();
      await expect(ping(server.url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
      await server.start();
      expect(await ping(server.url)).toBe(1);
    } finally {
      await server.destroy();
    }
    await expect(ping(server.url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  }, 60_000);

  it("names the Debian package when the server binaries are missing", async () => {
    const nowhere = "/nonexistent/postgresql/bin";
    expect(existsSync(nowhere)).toBe(false);
    await expect(startPostgres(nowhere)).rejects.toThrow(/install the Debian package "postgresql"/);
  });
});
