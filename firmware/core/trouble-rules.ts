/**
 * Troubles (EN 50131-1 8.9, faults): AC loss 301, low battery 302, communication 350 (from the gateway),
 * event storage 354 (from the device wiring); new on loss, restore on return.
 */
import { Cid, Qualifier } from "../../protocol/index.js";
import type { Troubles } from "./panel-state.js";
import { keypad, report, type StepContext } from "./step-context.js";

/**
 * Contact ID code per trouble. An outbox that cannot store is 354 "failure to communicate event": the path
 * itself may be up (350 and the path faults 351/352 say whether it is), but events are not getting through
 * to the centre; 303/304 would name the panel's own memory, which still holds them.
 */
export const TROUBLE_CODE: Record<keyof Troubles, number> = {
  acLost: Cid.AcLoss,
  batteryLow: Cid.LowBattery,
  linkDown: Cid.CommTrouble,
  storeFailed: Cid.FailureToCommunicate,
};

export function setTrouble(c: StepContext, key: keyof Troubles, present: boolean): void {
  if (c.s.troubles[key] === present) return;
  c.s.troubles[key] = present;
  report(c, TROUBLE_CODE[key], present ? Qualifier.New : Qualifier.Restore, 0);
  keypad(c, { kind: "troubles", codes: troubleCodes(c.s) });
}

/** Codes of the troubles present now, for the heartbeat and the keypad trouble display. */
export function troubleCodes(s: { troubles: Troubles; zones: { tamper: boolean; active: boolean; zone: number }[]; cfg: { zones: { zone: number; type: string }[] } }): number[] {
  const out: number[] = [];
  if (s.troubles.acLost) out.push(Cid.AcLoss);
  if (s.troubles.batteryLow) out.push(Cid.LowBattery);
  if (s.troubles.linkDown) out.push(Cid.CommTrouble);
  if (s.troubles.storeFailed) out.push(Cid.FailureToCommunicate);
  const typeOf = (zone: number) => s.cfg.zones.find((z) => z.zone === zone)?.type;
  if (s.zones.some((z) => z.active && typeOf(z.zone) === "tamper")) out.push(Cid.Tamper);
  if (s.zones.some((z) => z.tamper)) out.push(Cid.SensorTamper);
  if (s.zones.some((z) => z.active && typeOf(z.zone) === "technical")) out.push(Cid.Technical);
  return out;
}
