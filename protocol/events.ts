/**
 * The event catalogue: every Contact ID (Ademco, SIA DC-05) event code this system sends, with its
 * SIA DC-03 two-letter equivalents, its class and its delivery priority. Panel, gateway and centre all
 * read this one table; no other file hard-codes an event's meaning.
 */

/** Contact ID qualifier: 1 new event / opening, 3 restore / closing, 6 previously reported, still present. */
export const Qualifier = { New: 1, Restore: 3, StillPresent: 6 } as const;
export type Qualifier = (typeof Qualifier)[keyof typeof Qualifier];
export const QUALIFIERS: readonly Qualifier[] = [1, 3, 6];

export type EventClass =
  | "alarm"
  | "hold-up"
  | "fire"
  | "tamper"
  | "trouble"
  | "open-close"
  | "test"
  | "supervisory";

/**
 * Delivery priority, lower is sooner: alarm and hold-up first, then fire/tamper/trouble,
 * then open/close, then tests and heartbeats.
 */
export const Priority = { Alarm: 0, Urgent: 1, OpenClose: 2, Routine: 3 } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

const PRIORITY_BY_CLASS: Record<EventClass, Priority> = {
  alarm: Priority.Alarm,
  "hold-up": Priority.Alarm,
  fire: Priority.Urgent,
  tamper: Priority.Urgent,
  trouble: Priority.Urgent,
  "open-close": Priority.OpenClose,
  test: Priority.Routine,
  supervisory: Priority.Routine,
};

/** What the 3-digit Contact ID "zone or user" field means for this code. */
export type NumberMeaning = "zone" | "user" | "none";

export interface EventDef {
  readonly code: number;
  readonly name: string;
  readonly cls: EventClass;
  readonly priority: Priority;
  /** SIA DC-03 code for qualifier 1 (new / opening) and for qualifier 3 (restore / closing). */
  readonly sia: readonly [string, string];
  readonly number: NumberMeaning;
}

function def(code: number, name: string, cls: EventClass, sia: [string, string], number: NumberMeaning): EventDef {
  return Object.freeze({ code, name, cls, priority: PRIORITY_BY_CLASS[cls], sia: Object.freeze(sia) as readonly [string, string], number });
}

/** Contact ID codes (SIA DC-05) and their SIA DC-03 equivalents; the list is in protocol/README.md. */
export const EVENTS: readonly EventDef[] = Object.freeze([
  def(100, "medical", "alarm", ["MA", "MH"], "zone"),
  def(110, "fire", "fire", ["FA", "FH"], "zone"),
  def(120, "panic", "hold-up", ["PA", "PH"], "zone"),
  def(121, "duress", "hold-up", ["HA", "HH"], "user"),
  def(122, "silent hold-up", "hold-up", ["HA", "HH"], "zone"),
  def(123, "audible hold-up", "hold-up", ["PA", "PH"], "zone"),
  def(130, "burglary", "alarm", ["BA", "BH"], "zone"),
  def(131, "perimeter burglary", "alarm", ["BA", "BH"], "zone"),
  def(132, "interior burglary", "alarm", ["BA", "BH"], "zone"),
  def(133, "24 hour burglary", "alarm", ["BA", "BH"], "zone"),
  def(134, "entry/exit burglary", "alarm", ["BA", "BH"], "zone"),
  def(137, "tamper", "tamper", ["TA", "TR"], "zone"),
  def(139, "intrusion verifier", "alarm", ["BA", "BH"], "zone"),
  def(144, "sensor tamper", "tamper", ["TA", "TR"], "zone"),
  def(150, "technical alarm (24 h non-burglary)", "trouble", ["UA", "UH"], "zone"),
  def(301, "AC loss", "trouble", ["AT", "AR"], "none"),
  def(302, "low system battery", "trouble", ["YT", "YR"], "none"),
  def(305, "system reset", "supervisory", ["RR", "RR"], "none"),
  def(306, "programming changed", "supervisory", ["YG", "YG"], "user"),
  def(350, "communication trouble", "trouble", ["YC", "YK"], "none"),
  def(351, "path 1 fault", "trouble", ["YC", "YK"], "none"),
  def(352, "path 2 fault", "trouble", ["YC", "YK"], "none"),
  def(354, "failure to communicate event", "trouble", ["YC", "YK"], "none"),
  def(401, "open/close by user", "open-close", ["OP", "CL"], "user"),
  def(403, "automatic open/close", "open-close", ["OA", "CA"], "none"),
  def(406, "cancel", "open-close", ["OC", "OC"], "user"),
  def(407, "remote arm/disarm", "open-close", ["OQ", "CQ"], "user"),
  def(408, "quick arm", "open-close", ["CL", "CL"], "none"),
  def(441, "armed stay", "open-close", ["OG", "CG"], "user"),
  def(461, "wrong code entry", "tamper", ["DD", "DD"], "none"),
  def(570, "zone bypass", "supervisory", ["BB", "BU"], "zone"),
  def(601, "manual test", "test", ["RX", "RX"], "none"),
  def(602, "periodic test", "test", ["RP", "RP"], "none"),
  def(607, "walk test", "test", ["TS", "TE"], "zone"),
  def(608, "periodic test with trouble", "test", ["RY", "RY"], "none"),
  def(627, "program mode entry", "supervisory", ["LB", "LB"], "user"),
  def(628, "program mode exit", "supervisory", ["LX", "LX"], "user"),
]);

const BY_CODE: ReadonlyMap<number, EventDef> = new Map(EVENTS.map((e) => [e.code, e]));

/** The catalogue entry for a Contact ID code, or undefined when the code is not one we speak. */
export function eventDef(code: number): EventDef | undefined {
  return BY_CODE.get(code);
}

/** Named codes, so no caller writes a bare number. */
export const Cid = {
  Medical: 100,
  Fire: 110,
  Panic: 120,
  Duress: 121,
  SilentHoldUp: 122,
  AudibleHoldUp: 123,
  Burglary: 130,
  Perimeter: 131,
  Interior: 132,
  Burglary24h: 133,
  EntryExit: 134,
  Tamper: 137,
  IntrusionVerifier: 139,
  SensorTamper: 144,
  Technical: 150,
  AcLoss: 301,
  LowBattery: 302,
  SystemReset: 305,
  ProgrammingChanged: 306,
  CommTrouble: 350,
  Path1Fault: 351,
  Path2Fault: 352,
  FailureToCommunicate: 354,
  OpenClose: 401,
  AutoOpenClose: 403,
  Cancel: 406,
  RemoteOpenClose: 407,
  QuickArm: 408,
  ArmedStay: 441,
  WrongCode: 461,
  Bypass: 570,
  ManualTest: 601,
  PeriodicTest: 602,
  WalkTest: 607,
  PeriodicTestTrouble: 608,
  ProgramEntry: 627,
  ProgramExit: 628,
} as const;
export type Cid = (typeof Cid)[keyof typeof Cid];

/** SIA DC-03 two-letter code for an event and qualifier (restore and closing use the second code). */
export function siaCode(code: number, qualifier: Qualifier): string | undefined {
  const d = BY_CODE.get(code);
  if (!d) return undefined;
  return qualifier === Qualifier.Restore ? d.sia[1] : d.sia[0];
}
