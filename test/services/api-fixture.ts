/** The services and their HTTP API on a fresh database (test/support/services-store.ts), fake time, simulated ports, a captured log. */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, beforeEach } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { buildServicesApi, REDACT, type ServicesApiOptions } from "../../simulator/centre/services/http-api.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { freshServicesDb } from "../support/services-store.js";
import { T0 } from "./fixture.js";

export const PASSWORDS = { ada: "ada-admin-pass", sam: "sam-supervisor-pass", oli: "oli-operator-pass" } as const;

export async function apiFixture(opts: Partial<ServicesApiOptions> = {}) {
  const { db, close } = await freshServicesDb();
  const clock = new FakeClock(T0);
  const ports = simulatedPorts(clock, { etaMs: 15 * 60_000, onSiteMs: 10 * 60_000 });
  const { telephony, guard } = ports;
  const services = await Services.open(db, clock, ports, { scrypt: TEST_SCRYPT });
  await services.operators.create("bootstrap", { username: "ada", password: PASSWORDS.ada, role: "admin" });
  await services.operators.create("bootstrap", { username: "sam", password: PASSWORDS.sam, role: "supervisor" });
  await services.operators.create("bootstrap", { username: "oli", password: PASSWORDS.oli, role: "operator" });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const app = buildServicesApi(services, { logger: pino({ redact: REDACT, level: "debug" }, sink), clock, ...opts });
  const tokens: Record<string, string> = {};
  async function login(user: keyof typeof PASSWORDS): Promise<string> {
    const r = await app.inject({ method: "POST", url: "/api/login", payload: { username: user, password: PASSWORDS[user] } });
    if (r.statusCode !== 200) throw new Error(`login ${user}: ${r.body}`);
    return (tokens[user] = r.json().token as string);
  }
  async function call(user: keyof typeof PASSWORDS | null, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: unknown) {
    const headers: Record<string, string> = {};
    if (user) headers.authorization = `Bearer ${tokens[user] ?? (await login(user))}`;
    return app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  }
  return {
    db,
    /** The database goes away under the running API (PostgreSQL stopped, SQLite closed). */
    loseDb: close,
    clock,
    /** The clock moved on, and what its timers started written. */
    advance: (ms: number) => clock.advanceSettling(ms, () => services.settled()),
    services,
    app,
    ports,
    telephony,
    guard,
    logLines,
    login,
    call,
    close: async () => {
      await app.close();
      await services.stop();
      await close();
    },
  };
}

export type ApiFixture = Awaited<ReturnType<typeof apiFixture>>;

/** A fresh fixture before every test of the file, closed after it; the returned function gives the current one. */
export function apiFixtureEach(opts: Partial<ServicesApiOptions> = {}): () => ApiFixture {
  let fx: ApiFixture | undefined;
  beforeEach(async () => {
    fx = await apiFixture(opts);
  });
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });
  return () => fx!;
}
