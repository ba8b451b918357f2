/**
 * The demo's words for what the panel does, shared by the terminal and the panel page: events with their
 * catalogue text and zone names, keypad messages as a keypad would show them, area phases, local times.
 */
import type { KeypadMessage, PanelConfig, PanelView } from "../../firmware/index.js";
import { eventDef, siaCode, type Event } from "../../protocol/index.js";

/** Local wall-clock time with seconds, e.g. 14:03:07. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
}

export function zoneLabel(cfg: PanelConfig, zone: number): string {
  const z = cfg.zones.find((x) => x.zone === zone);
  return z?.name ? `zone ${zone} (${z.name})` : `zone ${zone}`;
}

export function userLabel(cfg: PanelConfig, user: number): string {
  const u = cfg.users.find((x) => x.user === user);
  return u?.name ? `user ${user} (${u.name})` : `user ${user}`;
}

export function eventText(cfg: PanelConfig, e: Event): string {
  const d = eventDef(e.code);
  // Contact ID: for open/close events qualifier 1 is an opening (disarm), 3 a closing (arm).
  const openClose = d?.cls === "open-close";
  const q = openClose ? (e.q === 1 ? " (disarmed)" : " (armed)") : e.q === 1 ? "" : e.q === 3 ? " restored" : " still present";
  const who = e.zone !== undefined ? `, ${zoneLabel(cfg, e.zone)}` : e.user !== undefined ? `, ${userLabel(cfg, e.user)}` : "";
  return `${d?.name ?? `code ${e.code}`}${q}${who} [Contact ID ${e.code}/${e.q}, SIA ${siaCode(e.code, e.q) ?? "--"}]`;
}

export function phaseText(p: PanelView["areas"][number]["phase"], now: number): string {
  switch (p.kind) {
    case "disarmed":
      return "disarmed";
    case "exit":
      return `exit delay (${p.mode}), ${Math.max(0, Math.ceil((p.until - now) / 1000))} s left`;
    case "armed":
      return `armed ${p.mode}`;
    case "entry":
      return `entry delay, ${Math.max(0, Math.ceil((p.until - now) / 1000))} s left to disarm`;
  }
}

export function keypadText(cfg: PanelConfig, m: KeypadMessage): string {
  const zones = (zs: readonly number[]) => zs.map((z) => zoneLabel(cfg, z)).join(", ");
  switch (m.kind) {
    case "arm-refused":
      return `cannot arm area ${m.area}: ${[m.open.length ? `open ${zones(m.open)}` : "", m.tampered.length ? `tamper ${zones(m.tampered)}` : "", m.faults.length ? `faults ${m.faults.join(", ")}` : ""].filter(Boolean).join("; ")}`;
    case "exit-delay":
      return `exit delay: leave by ${clockTime(m.until)}`;
    case "entry-delay":
      return `entry delay: enter your code by ${clockTime(m.until)}`;
    case "armed":
      return `area ${m.area} armed`;
    case "disarmed":
      return `area ${m.area} disarmed`;
    case "memory":
      return `alarm memory, area ${m.area}: ${zones(m.zones)}`;
    case "locked":
      return `keypad locked until ${clockTime(m.until)} (too many wrong codes)`;
    case "invalid-code":
      return "invalid code";
    case "not-permitted":
      return "not permitted for this code";
    case "bypassed":
      return `${zoneLabel(cfg, m.zone)} bypassed`;
    case "chime":
      return `chime: ${zoneLabel(cfg, m.zone)}`;
    case "troubles":
      return m.codes.length ? `troubles: ${m.codes.map((c) => eventDef(c)?.name ?? c).join(", ")}` : "no troubles";
    case "program":
      return m.on ? "program mode" : "program mode ended";
    case "user-changed":
      return `user ${m.user} ${m.op === "add" ? "added" : m.op === "change" ? "code changed" : "deleted"}`;
    case "user-refused":
      return `user ${m.user}: refused (${m.reason})`;
  }
}
