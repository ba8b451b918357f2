/**
 * Keypad codes as the core sees them: the edge has matched the digits against the salted hashes and
 * passes the user number (or null). Here: the wrong-code lockout (wrong-code-lockout.ts), technician validity,
 * installer authorisation, duress, and what each action may do.
 */
import { Cid, Qualifier } from "../../protocol/index.js";
import { arm, bypass, disarm } from "./arming-rules.js";
import type { CodeAction } from "./panel-input.js";
import type { UserRecord } from "./panel-state.js";
import { keypad, log, report, type StepContext } from "./step-context.js";
import { lockedOut, refuseWhileLocked, validCode, wrongCode } from "./wrong-code-lockout.js";

/** Technician codes: valid only in [validFrom, validUntil) and only once when `once`. */
function usable(u: UserRecord, now: number): boolean {
  if (u.validFrom !== undefined && now < u.validFrom) return false;
  if (u.validUntil !== undefined && now >= u.validUntil) return false;
  return !(u.once && u.used);
}

function targetAreas(u: UserRecord, area: number | undefined): number[] {
  return area === undefined ? u.areas : u.areas.filter((a) => a === area);
}

export function onCode(c: StepContext, userNo: number | null, action: CodeAction, area: number | undefined): void {
  if (lockedOut(c)) return refuseWhileLocked(c);
  const u = userNo === null ? undefined : c.s.users.find((x) => x.user === userNo);
  if (!u || !usable(u, c.now)) {
    wrongCode(c);
    return;
  }
  validCode(c);
  if (u.installer) {
    installerAction(c, u, action);
    return;
  }
  if (u.once) u.used = true;
  const areas = targetAreas(u, area);
  const denied = () => {
    keypad(c, { kind: "not-permitted" });
    log(c, `not permitted: ${action.kind}`, { user: u.user });
  };
  if (areas.length === 0 && (action.kind === "arm" || action.kind === "disarm")) denied(); // not the user's area
  else carryOut(c, u, action, areas, denied);
  // EN 50131-1: a duress code does what the user's normal code does and signals duress silently on every
  // use (arm, disarm, even of a disarmed area, any function), with nothing shown at the keypad.
  if (u.duress) for (const n of areas.length > 0 ? areas : [0]) report(c, Cid.Duress, Qualifier.New, n, { user: u.user });
}

function carryOut(c: StepContext, u: UserRecord, action: CodeAction, areas: number[], denied: () => void): void {
  switch (action.kind) {
    case "arm":
      arm(c, areas, action.mode, { by: "keypad", user: u.user }, action.override ? u : undefined);
      return;
    case "disarm":
      if (!u.perms.includes("disarm") && !u.duress) return denied();
      return disarm(c, areas, { by: "keypad", user: u.user });
    case "bypass":
      if (!u.perms.includes("bypass") || !bypass(c, action.zone, u.areas)) return denied();
      return;
    case "authorise-installer":
      // EN 50131-1 access level 3 only after a level-2 user authorises it.
      c.s.installerUntil = c.now + c.s.cfg.timing.installerWindowMs;
      log(c, "installer access authorised", { user: u.user });
      return;
    case "program":
      if (!u.perms.includes("manage-users")) return denied();
      return userProgramMode(c, u);
  }
}

/**
 * A master user (`manage-users`, access level 2) toggles the keypad's user program mode: add, change and
 * delete user codes (user-program-rules.ts). On entry the keypad shows the hidden memory of silent hold-ups
 * in the user's disarmed areas: this user has the level to read it.
 */
function userProgramMode(c: StepContext, u: UserRecord): void {
  if (c.s.program) {
    if (c.s.program.level === 3) return keypad(c, { kind: "not-permitted" });
    c.s.program = undefined;
    keypad(c, { kind: "program", on: false });
    log(c, "user program mode exit", { user: u.user });
    return;
  }
  c.s.program = { user: u.user, level: 2 };
  keypad(c, { kind: "program", on: true });
  log(c, "user program mode entry", { user: u.user });
  for (const a of c.s.areas) {
    if (!u.areas.includes(a.area) || a.phase.kind !== "disarmed" || a.hiddenMemory.length === 0) continue;
    keypad(c, { kind: "memory", area: a.area, zones: [...a.hiddenMemory] });
  }
}

function installerAction(c: StepContext, u: UserRecord, action: CodeAction): void {
  const authorised = c.s.installerUntil !== undefined && c.now < c.s.installerUntil;
  // A master user's program mode is theirs to leave; the installer does not take it over.
  if (action.kind !== "program" || !authorised || c.s.program?.level === 2) {
    keypad(c, { kind: "not-permitted" });
    log(c, authorised ? `installer may not ${action.kind}` : "installer access not authorised", { user: u.user });
    return;
  }
  if (c.s.program) {
    c.s.program = undefined;
    report(c, Cid.ProgramExit, Qualifier.New, 0, { user: u.user });
    keypad(c, { kind: "program", on: false });
  } else {
    c.s.program = { user: u.user, level: 3 };
    report(c, Cid.ProgramEntry, Qualifier.New, 0, { user: u.user });
    keypad(c, { kind: "program", on: true });
  }
}
