/**
 * Which alarms a stored frame raises or joins. Pure. New and still-present events of the alarm,
 * hold-up, fire, tamper and trouble classes raise (or join) an operator alarm; a restore joins the open
 * alarm of the same code and zone/user; open/close, tests and supervisory events are logged only.
 */
import { Qualifier, eventDef, type Event, type EventClass, type UplinkPayload } from "../../../protocol/index.js";

const ALARM_CLASSES: ReadonlySet<EventClass> = new Set(["alarm", "hold-up", "fire", "tamper", "trouble"]);

export interface FrameAlarm {
  readonly action: "raise" | "join";
  readonly key: string;
  readonly title: string;
  readonly priority: number;
  readonly note: string;
}

export function eventKey(e: Event): string {
  return e.zone !== undefined ? `${e.code}:z${e.zone}` : e.user !== undefined ? `${e.code}:u${e.user}` : `${e.code}`;
}

export function describeEvent(e: Event): string {
  const d = eventDef(e.code);
  const who = e.zone !== undefined ? ` zone ${e.zone}` : e.user !== undefined ? ` user ${e.user}` : "";
  const q = e.q === Qualifier.Restore ? " restored" : e.q === Qualifier.StillPresent ? " (still present)" : "";
  return `${d?.name ?? `code ${e.code}`}${who} area ${e.area}${q}`;
}

export function frameAlarms(p: UplinkPayload): FrameAlarm[] {
  if (!("events" in p)) return [];
  const out: FrameAlarm[] = [];
  for (const e of p.events) {
    const d = eventDef(e.code);
    if (!d || !ALARM_CLASSES.has(d.cls)) continue;
    const note = `seq ${p.seq}: ${describeEvent(e)}`;
    out.push({ action: e.q === Qualifier.Restore ? "join" : "raise", key: eventKey(e), title: describeEvent({ ...e, q: Qualifier.New }), priority: d.priority, note });
  }
  return out;
}
