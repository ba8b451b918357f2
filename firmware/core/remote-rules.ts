/** Downlink commands (protocol Command): each yields exactly one CommandResult effect. */
import { Cid, Qualifier, type CommandErrorCode, type CommandResult } from "../../protocol/index.js";
import { arm, disarm } from "./arming-rules.js";
import type { CoreCommand } from "./panel-input.js";
import { areaState, report, type StepContext } from "./step-context.js";

function result(c: StepContext, id: string, error?: CommandErrorCode): void {
  const r: CommandResult = error === undefined ? { id, ok: true } : { id, ok: false, error };
  c.fx.push({ type: "result", result: r });
}

export function onRemote(c: StepContext, cmd: CoreCommand): void {
  if (c.now > cmd.exp) return result(c, cmd.id, "expired");
  switch (cmd.type) {
    case "arm": {
      if (!areaState(c.s, cmd.area)) return result(c, cmd.id, "unknown-area");
      // The centre never overrides: a tamper or fault must be cleared (or overridden at the keypad).
      const refused = arm(c, [cmd.area], cmd.mode, { by: "remote" });
      return result(c, cmd.id, refused === undefined ? undefined : refused.open.length > 0 ? "open-zones" : "setting-prevented");
    }
    case "disarm":
      if (!areaState(c.s, cmd.area)) return result(c, cmd.id, "unknown-area");
      disarm(c, [cmd.area], { by: "remote" });
      return result(c, cmd.id);
    case "user-add": {
      const sp = cmd.spec;
      if (c.s.users.some((u) => u.user === sp.user)) return result(c, cmd.id, "user-exists");
      c.s.users.push({
        user: sp.user,
        name: sp.name,
        hash: sp.hash,
        areas: [...sp.areas],
        perms: [...sp.perms],
        duress: sp.duress ?? false,
        validFrom: sp.validFrom,
        validUntil: sp.validUntil,
        once: sp.once ?? false,
        used: false,
        installer: false,
      });
      report(c, Cid.ProgrammingChanged, Qualifier.New, 0, { user: sp.user });
      return result(c, cmd.id);
    }
    case "user-change": {
      const u = c.s.users.find((x) => x.user === cmd.user);
      if (!u) return result(c, cmd.id, "unknown-user");
      u.hash = cmd.hash;
      u.used = false;
      report(c, Cid.ProgrammingChanged, Qualifier.New, 0, { user: cmd.user });
      return result(c, cmd.id);
    }
    case "user-delete": {
      const before = c.s.users.length;
      c.s.users = c.s.users.filter((x) => x.user !== cmd.user);
      if (c.s.users.length === before) return result(c, cmd.id, "unknown-user");
      report(c, Cid.ProgrammingChanged, Qualifier.New, 0, { user: cmd.user });
      return result(c, cmd.id);
    }
    case "test-start":
      if (cmd.until <= c.now) return result(c, cmd.id, "until-in-past");
      c.s.walkTestUntil = cmd.until;
      return result(c, cmd.id);
    case "test-stop":
      c.s.walkTestUntil = undefined;
      return result(c, cmd.id);
    case "time-sync":
    case "status-request":
      // The clock belongs to the edge and the status to summary(); the core only acknowledges.
      return result(c, cmd.id);
  }
}
