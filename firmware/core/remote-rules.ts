/** Downlink commands (protocol Command): each yields exactly one CommandResult effect. */
import type { CommandErrorCode, CommandResult } from "../../protocol/index.js";
import { arm, disarm } from "./arming-rules.js";
import type { CoreCommand } from "./panel-input.js";
import { areaState, type StepContext } from "./step-context.js";
import { addUser, changeUserCode, deleteUser } from "./user-rules.js";

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
    case "user-add":
      return result(c, cmd.id, addUser(c, cmd.spec, 0));
    case "user-change":
      return result(c, cmd.id, changeUserCode(c, cmd.user, cmd.hash, 0));
    case "user-delete":
      return result(c, cmd.id, deleteUser(c, cmd.user, 0));
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
