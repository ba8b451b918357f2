/**
 * Keypad user management in a master user's program mode (level 2, `manage-users`): add, change and
 * delete a user's code, with the same rules as the remote commands (core/user-rules.ts; the code's length,
 * uniqueness and hashing are checked at the edge by codes/new-code.ts). Reported as 306.
 */
import type { UserEdit } from "./panel-input.js";
import { keypad, log, type StepContext } from "./step-context.js";
import { addUser, changeUserCode, deleteUser, type UserError } from "./user-rules.js";

export function onUserEdit(c: StepContext, e: UserEdit): void {
  const p = c.s.program;
  const master = p?.level === 2 ? c.s.users.find((u) => u.user === p.user) : undefined;
  if (!p || !master || !master.perms.includes("manage-users")) {
    keypad(c, { kind: "not-permitted" });
    log(c, `user ${e.op} outside user program mode`);
    return;
  }
  if (e.refused !== undefined) {
    keypad(c, { kind: "user-refused", user: e.user, reason: e.refused });
    log(c, `user ${e.op} refused: ${e.refused}`, { user: p.user });
    return;
  }
  let error: UserError | "self" | undefined;
  switch (e.op) {
    case "add":
      // A new user gets the master's areas and may disarm; more rights are given remotely or in the config.
      error = addUser(c, { user: e.user, hash: e.hash, areas: [...master.areas], perms: ["disarm"] }, p.user);
      break;
    case "change":
      error = changeUserCode(c, e.user, e.hash, p.user);
      break;
    case "delete":
      error = e.user === p.user ? ("self" as const) : deleteUser(c, e.user, p.user);
      break;
  }
  if (error === undefined) keypad(c, { kind: "user-changed", user: e.user, op: e.op });
  else {
    keypad(c, { kind: "user-refused", user: e.user, reason: error });
    log(c, `user ${e.op} refused: ${error}`, { user: p.user });
  }
}
