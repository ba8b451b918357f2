/**
 * The schema of the non-volatile state as stored (JSON in the `nv` table). What is read back is checked
 * against it: a corrupt or foreign row is a typed `store-corrupt` naming the table, not a crash later in
 * the core. The saved JSON drops `undefined` fields, so optional here means "absent or undefined".
 */
import { z } from "zod";
import { AreaNo, Permission } from "../../protocol/index.js";
import type { NvState, UserRecord } from "../core/panel-state.js";
import { FirmwareError } from "../firmware-error.js";

const Millis = z.int().min(0);
const Num = z.int().min(0).max(999);

const NvUser = z.strictObject({
  user: z.int().min(1).max(999),
  name: z.string().max(32).optional(),
  hash: z.string().min(1).max(512),
  areas: z.array(AreaNo).max(32),
  perms: z.array(Permission).max(3),
  duress: z.boolean(),
  validFrom: Millis.optional(),
  validUntil: Millis.optional(),
  once: z.boolean(),
  used: z.boolean(),
  installer: z.boolean(),
});

export const NvRecord = z.strictObject({
  areas: z.array(
    z.strictObject({
      area: AreaNo,
      mode: z.enum(["disarmed", "away", "stay", "night"]),
      entryZone: Num.optional(),
      memory: z.array(Num),
      alarmPending: z.boolean(),
      bypassed: z.array(Num),
      /** Absent in rows written before silent hold-up memory was kept apart. */
      hiddenMemory: z.array(Num).optional(),
    }),
  ),
  users: z.array(NvUser).max(999),
  wrongCodes: z.strictObject({ count: z.int().min(0), lockedUntil: Millis.optional() }),
});

/** Parses the stored text of `table`; throws FirmwareError `store-corrupt` naming the table and the field. */
export function parseNv(text: string, table: string): NvState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FirmwareError("store-corrupt", `${table}: not JSON (${(e as Error).message})`);
  }
  const r = NvRecord.safeParse(raw);
  if (!r.success) throw new FirmwareError("store-corrupt", `${table}: ${z.prettifyError(r.error)}`);
  const d = r.data;
  return {
    areas: d.areas.map((a) => ({ ...a, hiddenMemory: a.hiddenMemory ?? [] })),
    users: d.users.map((u): UserRecord => ({ ...u, name: u.name, validFrom: u.validFrom, validUntil: u.validUntil })),
    wrongCodes: { count: d.wrongCodes.count, lockedUntil: d.wrongCodes.lockedUntil },
  };
}
