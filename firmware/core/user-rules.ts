/**
 * Adding, changing and deleting a user: one set of rules for the remote commands and the keypad's program
 * mode. The code has already been length-checked, compared with the other users' codes and hashed at the
 * edge (firmware/codes/new-code.ts); here only the hash arrives. Every change reports 306 with the user.
 */
import { Cid, Qualifier, type CommandErrorCode, type UserSpec } from "../../protocol/index.js";
import { report, type StepContext } from "./step-context.js";

export type NewUser = Omit<UserSpec, "code"> & { readonly hash: string };
export type UserError = Extract<CommandErrorCode, "user-exists" | "unknown-user">;

export function addUser(c: StepContext, sp: NewUser, by: number): UserError | undefined {
  if (c.s.users.some((u) => u.user === sp.user)) return "user-exists";
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
  changed(c, sp.user, by);
  return undefined;
}

export function changeUserCode(c: StepContext, user: number, hash: string, by: number): UserError | undefined {
  const u = c.s.users.find((x) => x.user === user);
  if (!u) return "unknown-user";
  u.hash = hash;
  u.used = false;
  changed(c, user, by);
  return undefined;
}

export function deleteUser(c: StepContext, user: number, by: number): UserError | undefined {
  const before = c.s.users.length;
  c.s.users = c.s.users.filter((x) => x.user !== user);
  if (c.s.users.length === before) return "unknown-user";
  changed(c, user, by);
  return undefined;
}

/** 306 carries the affected user (the catalogue's user field); who made the change goes to the log. */
function changed(c: StepContext, user: number, by: number): void {
  report(c, Cid.ProgrammingChanged, Qualifier.New, 0, { user });
  c.fx.push({ type: "log", what: `user ${user} changed`, user: by });
}
