/** A remote-support request (which carries the code) and the recorded command (which never does). */
import { z } from "zod";
import { PanelId, UserCode, UserSpec } from "../../../protocol/schema.js";

const UserNo = z.int().min(1).max(999);
/** A technician code is valid in [validFrom, validUntil): an empty window would add a user never valid. */
const Spec = UserSpec.refine((s) => s.validFrom === undefined || s.validUntil === undefined || s.validUntil > s.validFrom, {
  message: "validUntil must be after validFrom",
  path: ["validUntil"],
});
export const RemoteRequest = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("user-add"), panel: PanelId, spec: Spec }),
  z.strictObject({ type: z.literal("user-change"), panel: PanelId, user: UserNo, code: UserCode }),
  z.strictObject({ type: z.literal("user-delete"), panel: PanelId, user: UserNo }),
]);
export type RemoteRequest = z.input<typeof RemoteRequest>;

export const RemoteCommand = z.strictObject({
  id: z.string(),
  installationId: z.int(),
  panel: z.string(),
  type: z.enum(["user-add", "user-change", "user-delete"]),
  user: z.int(),
  state: z.enum(["sent", "ok", "failed", "expired"]),
  error: z.string().nullable(),
  requestedBy: z.string(),
  createdAt: z.int(),
  expiresAt: z.int(),
  doneAt: z.int().nullable(),
});
export type RemoteCommand = z.infer<typeof RemoteCommand>;
