/**
 * Keypad codes as the core sees them: the edge has matched the digits against the salted hashes and
 * passes the user number (or null). Here: technician validity, installer authorisation, duress, and what
 * each action may do; the wrong-code lockout is in lockout.ts.
 */
import { Cid, Qualifier } from "../../protocol/index.js";
import { arm, bypass, disarm } from "./arming-rules.js";
import type { CodeAction } from "./panel-input.js";
import type { UserRecord } from "./panel-state.js";
import { lockedOut, validCode, wrongCode } from "./lockout.js";
import { keypad, log, report, type StepContext } from "./step-context.js";

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
  if (lockedOut(c)) {
    keypad(c, { kind: "locked", until: c.s.wrongCodes.lockedUntil ?? c.now });
    return;
  }
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
  if (areas.length === 0 && (action.kind === "arm" || action.kind === "disarm")) return denied(); // not the user's area
  switch (action.kind) {
    case "arm":
      arm(c, areas, action.mode, { by: "keypad", user: u.user });
      return;
    case "disarm":
      if (u.duress) return disarm(c, areas, { by: "keypad", user: u.user }, true);
      if (!u.perms.includes("disarm")) return denied();
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
      return denied();
  }
}

function installerAction(c: StepContext, u: UserRecord, action: CodeAction): void {
  const authorised = c.s.installerUntil !== undefined && c.now < c.s.installerUntil;
  if (action.kind !== "program" || !authorised) {
    keypad(c, { kind: "not-permitted" });
    log(c, authorised ? `installer may not ${action.kind}` : "installer access not authorised", { user: u.user });
    return;
  }
  if (c.s.program) {
    c.s.program = undefined;
    report(c, Cid.ProgramExit, Qualifier.New, 0, { user: u.user });
    keypad(c, { kind: "program", on: false });
  } else {
    c.s.program = { user: u.user };
    report(c, Cid.ProgramEntry, Qualifier.New, 0, { user: u.user });
    keypad(c, { kind: "program", on: true });
  }
}
