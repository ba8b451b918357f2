/** An audit row as the API returns it. */
import { z } from "zod";

export const AuditEntrySchema = z.strictObject({
  id: z.int(),
  at: z.int(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
