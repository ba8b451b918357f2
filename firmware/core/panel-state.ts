/** The panel's whole state: plain data, cloneable, JSON-serialisable. The core never mutates its input. */
import type { Permission } from "../../protocol/index.js";
import type { PanelConfig } from "../config/panel-config.js";

export type ArmedMode = "away" | "stay" | "night";

/** An area's lifecycle, handled by exhaustive switches. */
export type AreaPhase =
  | { readonly kind: "disarmed" }
  | { readonly kind: "exit"; readonly mode: ArmedMode; readonly until: number; readonly user: number }
  | { readonly kind: "armed"; readonly mode: ArmedMode }
  | { readonly kind: "entry"; readonly mode: ArmedMode; readonly until: number; readonly zone: number };

export interface AreaState {
  area: number;
  phase: AreaPhase;
  bypassed: number[];
  /** Alarms per zone in this armed period, for swinger shutdown. */
  trips: { zone: number; n: number }[];
  /** Zones that alarmed since the last arming: shown after disarm (alarm memory). */
  memory: number[];
  /**
   * Silent hold-up zones that alarmed: kept out of `memory` so nothing at the premises shows them (no memory
   * LED, no keypad message: an attacker at the keypad must not notice, EN 50131-1 hold-up). A user with
   * `manage-users` reads them in program mode; cleared at the next arm like the memory.
   */
  hiddenMemory: number[];
  /** An alarm happened since the last arm/disarm: the next disarm reports 406 cancel. */
  alarmPending: boolean;
  /**
   * Burglary alarms raised during the entry delay, not yet notified remotely (EN 50131-1: not before the
   * entry timer has expired and the warning device has run 30 s). Dropped if a user disarms first.
   */
  deferred: { code: number; zone: number; due: number }[];
  /** The siren sounds until this time (its time limit); undefined when silent. */
  sirenUntil: number | undefined;
  strobe: boolean;
}

export interface ZoneState {
  zone: number;
  active: boolean;
  tamper: boolean;
  /** Alarms reported for this zone that still owe a restore (q=3) when the zone closes. */
  owed: { area: number; code: number }[];
}

export interface UserRecord {
  user: number;
  name: string | undefined;
  hash: string;
  areas: number[];
  perms: Permission[];
  duress: boolean;
  validFrom: number | undefined;
  validUntil: number | undefined;
  once: boolean;
  used: boolean;
  installer: boolean;
}

export interface Troubles {
  acLost: boolean;
  batteryLow: boolean;
  linkDown: boolean;
  /** The gateway's outbox cannot store events (disk full or write failure): events wait in the device. */
  storeFailed: boolean;
}

export interface PanelState {
  readonly cfg: PanelConfig;
  areas: AreaState[];
  zones: ZoneState[];
  users: UserRecord[];
  troubles: Troubles;
  wrongCodes: { count: number; lockedUntil: number | undefined };
  /** Installer (level 3) access is possible until this time, once a user has authorised it. */
  installerUntil: number | undefined;
  /** Program mode: the installer's (level 3, 627/628) or a `manage-users` user's (level 2, user codes only). */
  program: { user: number; level: 2 | 3 } | undefined;
  walkTestUntil: number | undefined;
  nextPeriodicTest: number;
  booted: boolean;
}

/** The part of the state that survives power loss (persisted after every change). */
export interface NvState {
  areas: { area: number; mode: "disarmed" | ArmedMode; entryZone?: number | undefined; memory: number[]; hiddenMemory: number[]; alarmPending: boolean; bypassed: number[] }[];
  users: UserRecord[];
  wrongCodes: { count: number; lockedUntil: number | undefined };
}
