/**
 * Test notices: a customer or installer announces a test (start, duration, optionally zones or classes).
 * Alarms inside the window and its scope are recorded as tests and never dispatched; the window ends by
 * itself at start + duration (exclusive), with no timer to miss; an alarm outside the scope is handled
 * normally.
 */
import { z } from "zod";
import { parseInput } from "./parse-input.js";
import { ServiceClassSchema } from "./plan-schema.js";
import type { ServiceClass } from "./service-class.js";
import { inTx, type ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

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

interface Row {
  id: number;
  installation_id: number;
  starts_at: number;
  ends_at: number;
  zones: string | null;
  classes: string | null;
  announced_by: string;
  created_at: number;
  cancelled_at: number | null;
}

export class TestNotices {
  constructor(private readonly ctx: ServicesContext) {}

  announce(actor: string, installationId: number, input: TestNoticeInput): TestNotice {
    const v = parseInput(TestNoticeInput, input);
    const now = this.ctx.clock.now();
    if (v.start + v.durationMs <= now) throw new ServicesError("bad-input", "the test window is already over", "start");
    return inTx(this.ctx.db, () => {
      if (!this.ctx.db.prepare("SELECT 1 FROM svc_installations WHERE id = ?").get(installationId)) throw notFound(`installation ${installationId}`);
      const id = Number(
        this.ctx.db
          .prepare("INSERT INTO svc_test_notices (installation_id, starts_at, ends_at, zones, classes, announced_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .run(installationId, v.start, v.start + v.durationMs, v.zones ? JSON.stringify(v.zones) : null, v.classes ? JSON.stringify(v.classes) : null, actor, now).lastInsertRowid,
      );
      const after = this.get(id);
      this.ctx.audit.record({ at: now, actor, action: "test-notice.announce", entity: "test-notice", entityId: id, after });
      return after;
    });
  }

  /** Ends a window early. */
  cancel(actor: string, id: number): TestNotice {
    return inTx(this.ctx.db, () => {
      const before = this.get(id);
      const now = this.ctx.clock.now();
      if (before.cancelledAt !== null || before.end <= now) throw new ServicesError("conflict", `test notice ${id} is over`);
      this.ctx.db.prepare("UPDATE svc_test_notices SET cancelled_at = ? WHERE id = ?").run(now, id);
      const after = this.get(id);
      this.ctx.audit.record({ at: now, actor, action: "test-notice.cancel", entity: "test-notice", entityId: id, before, after });
      return after;
    });
  }

  get(id: number): TestNotice {
    const r = this.ctx.db.prepare("SELECT * FROM svc_test_notices WHERE id = ?").get(id) as Row | undefined;
    if (!r) throw notFound(`test notice ${id}`);
    return toNotice(r);
  }

  /** Windows open at `at` (start <= at < end, not cancelled before `at`). */
  active(installationId: number, at: number): TestNotice[] {
    const rows = this.ctx.db
      .prepare("SELECT * FROM svc_test_notices WHERE installation_id = ? AND starts_at <= ? AND ends_at > ? AND (cancelled_at IS NULL OR cancelled_at > ?) ORDER BY id")
      .all(installationId, at, at, at) as Row[];
    return rows.map(toNotice);
  }

  list(installationId: number): TestNotice[] {
    return (this.ctx.db.prepare("SELECT * FROM svc_test_notices WHERE installation_id = ? ORDER BY starts_at, id").all(installationId) as Row[]).map(toNotice);
  }

  /** The notice that makes this alarm a test, if any: in the window, and in its zones and classes. */
  covering(installationId: number, alarm: { cls: ServiceClass; zone?: number | undefined }, at: number): TestNotice | undefined {
    return this.active(installationId, at).find(
      (n) => (n.classes === null || n.classes.includes(alarm.cls)) && (n.zones === null || (alarm.zone !== undefined && n.zones.includes(alarm.zone))),
    );
  }
}

function toNotice(r: Row): TestNotice {
  return TestNotice.parse({
    id: r.id,
    installationId: r.installation_id,
    start: r.starts_at,
    end: r.ends_at,
    zones: r.zones === null ? null : JSON.parse(r.zones),
    classes: r.classes === null ? null : JSON.parse(r.classes),
    announcedBy: r.announced_by,
    createdAt: r.created_at,
    cancelledAt: r.cancelled_at,
  });
}
