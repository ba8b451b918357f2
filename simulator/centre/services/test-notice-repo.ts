/** Test-notice rows: the one place their SQL lives; runs inside the caller's transaction. */
import { camelRow } from "./camel-row.js";
import type { ServicesDb } from "./services-db.js";
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
  constructor(private readonly db: ServicesDb) {}

  async insert(n: Omit<TestNotice, "id" | "cancelledAt">): Promise<number> {
    return Number(
      (await this.db.insert("INSERT INTO svc_test_notices (installation_id, starts_at, ends_at, zones, classes, announced_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", n.installationId, n.start, n.end, n.zones ? JSON.stringify(n.zones) : null, n.classes ? JSON.stringify(n.classes) : null, n.announcedBy, n.createdAt)),
    );
  }

  async cancel(id: number, at: number): Promise<void> {
    await this.db.run("UPDATE svc_test_notices SET cancelled_at = ? WHERE id = ?", at, id);
  }

  async get(id: number): Promise<TestNotice | undefined> {
    const r = await this.db.get<Row>("SELECT * FROM svc_test_notices WHERE id = ?", id);
    return r && toNotice(r);
  }

  /** Windows open at `at`: start <= at < end, and not cancelled at or before `at`. */
  async active(installationId: number, at: number): Promise<TestNotice[]> {
    const rows = await this.db.all<Row>("SELECT * FROM svc_test_notices WHERE installation_id = ? AND starts_at <= ? AND ends_at > ? AND (cancelled_at IS NULL OR cancelled_at > ?) ORDER BY id", installationId, at, at, at);
    return rows.map(toNotice);
  }

  async list(installationId: number): Promise<TestNotice[]> {
    return (await this.db.all<Row>("SELECT * FROM svc_test_notices WHERE installation_id = ? ORDER BY starts_at, id", installationId)).map(toNotice);
  }
}

function toNotice({ starts_at, ends_at, zones, classes, ...r }: Row): TestNotice {
  return TestNotice.parse({ ...camelRow(r), start: starts_at, end: ends_at, zones: zones === null ? null : JSON.parse(zones), classes: classes === null ? null : JSON.parse(classes) });
}
