/** Test-notice rows: the one place their SQL lives; runs inside the caller's transaction. */
import { camelRow } from "./camel-row.js";
import type { Db } from "./services-db.js";
import { TestNotice } from "./test-notice-schema.js";

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

export class TestNoticeRepo {
  constructor(private readonly db: Db) {}

  insert(n: Omit<TestNotice, "id" | "cancelledAt">): number {
    return Number(
      this.db
        .prepare("INSERT INTO svc_test_notices (installation_id, starts_at, ends_at, zones, classes, announced_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(n.installationId, n.start, n.end, n.zones ? JSON.stringify(n.zones) : null, n.classes ? JSON.stringify(n.classes) : null, n.announcedBy, n.createdAt).lastInsertRowid,
    );
  }

  cancel(id: number, at: number): void {
    this.db.prepare("UPDATE svc_test_notices SET cancelled_at = ? WHERE id = ?").run(at, id);
  }

  get(id: number): TestNotice | undefined {
    const r = this.db.prepare("SELECT * FROM svc_test_notices WHERE id = ?").get(id) as Row | undefined;
    return r && toNotice(r);
  }

  /** Windows open at `at`: start <= at < end, and not cancelled at or before `at`. */
  active(installationId: number, at: number): TestNotice[] {
    const rows = this.db
      .prepare("SELECT * FROM svc_test_notices WHERE installation_id = ? AND starts_at <= ? AND ends_at > ? AND (cancelled_at IS NULL OR cancelled_at > ?) ORDER BY id")
      .all(installationId, at, at, at) as Row[];
    return rows.map(toNotice);
  }

  list(installationId: number): TestNotice[] {
    return (this.db.prepare("SELECT * FROM svc_test_notices WHERE installation_id = ? ORDER BY starts_at, id").all(installationId) as Row[]).map(toNotice);
  }
}

function toNotice({ starts_at, ends_at, zones, classes, ...r }: Row): TestNotice {
  return TestNotice.parse({ ...camelRow(r), start: starts_at, end: ends_at, zones: zones === null ? null : JSON.parse(zones), classes: classes === null ? null : JSON.parse(classes) });
}
