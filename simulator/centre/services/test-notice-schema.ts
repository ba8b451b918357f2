/** A test notice and its input, as zod schemas. */
import { z } from "zod";
import { ServiceClassSchema } from "./plan-schema.js";

/** A test longer than a working day is a maintenance mode, not a test: refused. */
export const MAX_TEST_MS = 12 * 3_600_000;

export const TestNoticeInput = z.strictObject({
  start: z.int().min(0),
  durationMs: z.int().min(60_000).max(MAX_TEST_MS),
  zones: z.array(z.int().min(1).max(999)).min(1).max(256).optional(),
  classes: z.array(ServiceClassSchema).min(1).optional(),
});
export type TestNoticeInput = z.input<typeof TestNoticeInput>;

export const TestNotice = z.strictObject({
  id: z.int(),
  installationId: z.int(),
  start: z.int(),
  end: z.int(),
  zones: z.array(z.int()).nullable(),
  classes: z.array(ServiceClassSchema).nullable(),
  announcedBy: z.string(),
  createdAt: z.int(),
  cancelledAt: z.int().nullable(),
});
export type TestNotice = z.infer<typeof TestNotice>;
