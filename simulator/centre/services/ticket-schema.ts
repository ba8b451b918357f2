/** A service ticket as the services and the API return it. */
import { z } from "zod";
import { FAULT_KINDS } from "./fault-kind.js";

export const Ticket = z.strictObject({
  id: z.int(),
  installationId: z.int(),
  panel: z.string(),
  fault: z.enum(FAULT_KINDS),
  key: z.string(),
  title: z.string(),
  route: z.enum(["support", "visit"]),
  state: z.enum(["open", "closed"]),
  openedAt: z.int(),
  closedAt: z.int().nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.enum(["restored", "by-hand"]).nullable(),
});
export type Ticket = z.infer<typeof Ticket>;
