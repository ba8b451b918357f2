/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp dir under /tmp, listen on 127.0.0.1 on a
 * free port with trust auth, and remove it all at teardown. Running as root (as in CI containers), the
 * cluster belongs to the `postgres` OS user, since postgres refuses to run as root.
 */
import { execFile, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's postgresql-15 (package `postgresql`); PG_BIN overrides. */
export const PG_BIN = process.env["PG_BIN"] ?? "/usr/lib/postgresql/15/bin";

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** Stop the server (fast shutdown: every connection is cut, as when the database machine goes away). */
  stop(): Promise<void>;
  /** Start it again on the same port and data directory. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stop and delete the cluster. */
  destroy(): Promise<void>;
}

export function postgresAvailable(bin = PG_BIN): boolean {
  return existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Create and start a cluster; throws a clear error when Debian's PostgreSQL server is not installed. */
export async function startPostgres(pgBin = PG_BIN): Promise<TestPostgres> {
  if (!postgresAvailable(pgBin)) {
    throw new Error(`PostgreSQL server binaries not found in ${pgBin}: install the Debian package "postgresql" (or set PG_BIN)`);
  }
  const user = await postgresUser();
  const dir = mkdtempSync("/tmp/pg-test-");
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const bin = (name: string) => join(pgBin, name);
  await run(bin("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"], { ...as, cwd: dir });
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60 -c shared_buffers=16MB`;
  const start = async () => {
    await run(bin("pg_ctl"), ["start", "-w", "-t", "30", "-D", data, "-l", join(dir, "log"), "-o", opts], { ...as, cwd: dir });
  };
  const stop = async () => {
    await run(bin("pg_ctl"), ["stop", "-w", "-t", "30", "-m", "fast", "-D", data], { ...as, cwd: dir });
  };
  await start();
  let destroyed = false;
  // A test process that exits without destroy() (a failed beforeAll, process.exit) leaves no server behind.
  const onExit = () => {
    spawnSync(bin("pg_ctl"), ["stop", "-m", "immediate", "-D", data], { ...as, cwd: dir, stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      process.removeListener("exit", onExit);
      await run(bin("pg_ctl"), ["stop", "-w", "-t", "30", "-m", "immediate", "-D", data], { ...as, cwd: dir }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the cluster, so each test (or suite) starts from an empty schema. */
export async function createDatabase(pg: TestPostgres, name: string): Promise<string> {
  const { default: pgLib } = await import("pg");
  const c = new pgLib.Client({ connectionString: pg.url });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  } finally {
    await c.end();
  }
  return pg.url.replace(/\/postgres$/, `/${name}`);
}
