/**
 * Test notices: a customer or installer announces a test (start, duration, optionally zones or classes).
 * Alarms inside the window and its scope are recorded as tests and never dispatched; the window ends by
 * itself at start + duration (exclusive), with no timer to miss; an alarm outside the scope is handled
 * normally.
 */
import { InstallationRepo } from "./installation-repo.js";
import { parseInput } from "./parse-input.js";
import { TestNoticeRepo } from "./test-notice-repo.js";
import { TestNoticeInput, type TestNotice } from "./test-notice-schema.js";
import type { ServiceClass } from "./service-class.js";
import type { ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

export class TestNotices {
  private readonly repo: TestNoticeRepo;
  constructor(private readonly ctx: ServicesContext) {
    this.repo = new TestNoticeRepo(ctx.db);
  }

  async announce(actor: string, installationId: number, input: TestNoticeInput): Promise<TestNotice> {
    const v = parseInput(TestNoticeInput, input);
    const now = this.ctx.clock.now();
    if (v.start + v.durationMs <= now) throw new ServicesError("bad-input", "the test window is already over", "start");
    return this.ctx.db.tx(async () => {
      if (!await new InstallationRepo(this.ctx.db).exists(installationId)) throw notFound(`installation ${installationId}`);
      const id = await this.repo.insert({ installationId, start: v.start, end: v.start + v.durationMs, zones: v.zones ?? null, classes: v.classes ?? null, announcedBy: actor, createdAt: now });
      const after = await this.get(id);
      await this.ctx.audit.record({ at: now, actor, action: "test-notice.announce", entity: "test-notice", entityId: id, after });
      return after;
    });
  }

  /** Ends a window early. */
  async cancel(actor: string, id: number): Promise<TestNotice> {
    return this.ctx.db.tx(async () => {
      const before = await this.get(id);
      const now = this.ctx.clock.now();
      if (before.cancelledAt !== null || before.end <= now) throw new ServicesError("conflict", `test notice ${id} is over`);
      await this.repo.cancel(id, now);
      const after = await this.get(id);
      await this.ctx.audit.record({ at: now, actor, action: "test-notice.cancel", entity: "test-notice", entityId: id, before, after });
      return after;
    });
  }

  async get(id: number): Promise<TestNotice> {
    const n = await this.repo.get(id);
    if (!n) throw notFound(`test notice ${id}`);
    return n;
  }

  /** Windows open at `at` (start <= at < end, not cancelled before `at`). */
  async active(installationId: number, at: number): Promise<TestNotice[]> {
    return this.repo.active(installationId, at);
  }

  async list(installationId: number): Promise<TestNotice[]> {
    return this.repo.list(installationId);
  }

  /** The notice that makes this alarm a test, if any: in the window, and in its zones and classes. */
  async covering(installationId: number, alarm: { cls: ServiceClass; zone?: number | undefined }, at: number): Promise<TestNotice | undefined> {
    return (await this.active(installationId, at)).find(
      (n) => (n.classes === null || n.classes.includes(alarm.cls)) && (n.zones === null || (alarm.zone !== undefined && n.zones.includes(alarm.zone))),
    );
  }
}
