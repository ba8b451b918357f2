/**
 * The demo's monitoring centre on top of the running system: the services (installations, action plans,
 * incidents, test windows, remote support, billing) on the centre's database, their HTTP API with the
 * operators' console, demo logins and a demo installation for the panel, so the console has something
 * real to show. Telephony and guards are simulated (a guard is on site a minute after dispatch); remote
 * commands go straight to the panel runtime (startSystem keeps the receiver's MQTT identity to itself).
 */
import { randomBytes } from "node:crypto";
import { unrefSystemClock } from "../../protocol/clock.js";
import { SimulatedCommandSender } from "../centre/services/command-sender.js";
import { SqliteCentreStore } from "../centre/store-pg/sqlite-store.js";
import { startServices, type RunningServices } from "../centre/services/start-services.js";
import { simulatedPorts, type SimulatedPorts } from "../centre/services/simulated-ports.js";
import { consoleRoutes } from "../console/console-routes.js";
import type { RunningSystem } from "./system.js";
import { pino } from "pino";

export interface DemoCentreOptions {
  /** Port of the console and API (default any free port). */
  readonly port?: number;
  readonly host?: string;
  /** Guard travel and on-site times, ms (default 60 s each, so the demo shows the whole dispatch). */
  readonly guardEtaMs?: number;
  readonly guardOnSiteMs?: number;
  /** Fixed secrets (tests); random ones otherwise, printed once by the demo. */
  readonly password?: string;
  readonly callerPassword?: string;
}

export interface DemoCentre {
  readonly services: RunningServices;
  readonly ports: SimulatedPorts;
  readonly consoleUrl: string;
  readonly apiUrl: string;
  readonly installationId: number;
  /** Logins created for the demo: an operator and a supervisor, same password. */
  readonly logins: { readonly operator: string; readonly supervisor: string; readonly password: string };
  readonly callerPassword: string;
  stop(): Promise<void>;
}

const words = () => randomBytes(6).toString("base64url").replace(/[-_]/g, "x").toLowerCase();

export async function startDemoCentre(sys: RunningSystem, o: DemoCentreOptions = {}): Promise<DemoCentre> {
  const clock = unrefSystemClock;
  let services: RunningServices | undefined;
  // The panel answers at once; a result the services cannot record is logged as their failures are.
  const commands = new SimulatedCommandSender(
    (panel, cmd) => void services?.services.remote.onResult(panel, sys.panel.remote(cmd)).catch((e: unknown) => services?.services.ctx.events.emit("failed", "remote result", e)),
  );
  const ports = simulatedPorts(clock, { etaMs: o.guardEtaMs ?? 60_000, onSiteMs: o.guardOnSiteMs ?? 60_000, report: "guard on site: premises checked, a window was open" }, commands);
  const zoneNames = Object.fromEntries(sys.config.zones.map((z) => [z.zone, z.name ?? `zone ${z.zone}`]));
  const store = SqliteCentreStore.over(sys.centre);
  services = await startServices({
    centre: store,
    receiver: sys.receiver,
    ports,
    clock,
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    httpLogger: pino({ level: "silent" }),
    routes: [consoleRoutes({ centre: store, zoneNames: (panel) => (panel === sys.panelId ? zoneNames : undefined) })],
  });
  const s = services.services;
  const password = o.password ?? `demo-${words()}`;
  const callerPassword = o.callerPassword ?? `call-${words()}`;
  const who = "demo-setup";
  await s.operators.create(who, { username: "operator", password, role: "operator" });
  await s.operators.create(who, { username: "supervisor", password, role: "supervisor" });
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const inst = await s.installations.create(who, { name: "Demo House", address: "1 Demo Street, Springfield", timeZone, notes: "the simulated panel of npm start" });
  await s.installations.attachPanel(who, inst.id, sys.panelId);
  await s.installations.setContacts(who, inst.id, [
    { name: "Alex Owner", phone: "+49 30 5550 101" },
    { name: "Sam Neighbour", phone: "+49 30 5550 102" },
  ]);
  await s.installations.setCallerPassword(who, inst.id, callerPassword);
  await s.desk.plans.set(who, inst.id, { burglary: [{ kind: "call-contacts" }, { kind: "guard" }] });
  // Open all day, every day: the demo's arm and disarm at any hour are inside the agreed hours.
  const day = { open: "00:00", close: "23:59" };
  await s.arm.setSchedule(who, inst.id, { weekly: { sun: day, mon: day, tue: day, wed: day, thu: day, fri: day, sat: day }, graceMinutes: 15 });
  const apiUrl = services.api.url;
  return {
    services,
    ports,
    apiUrl,
    consoleUrl: `${apiUrl}/console/`,
    installationId: inst.id,
    logins: { operator: "operator", supervisor: "supervisor", password },
    callerPassword,
    stop: () => services!.stop(),
  };
}
