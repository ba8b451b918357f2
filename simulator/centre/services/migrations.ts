/**
 * The services' own tables, as numbered migrations applied in order at open. A migration is never edited
 * once shipped: a change is a new one. Only tables prefixed `svc_` belong to the services; the centre's
 * own tables (panels, frames, alarms) are read, never altered.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "audit and installations",
    sql: `
CREATE TABLE svc_audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before TEXT,                   -- JSON, NULL when created
  after TEXT                     -- JSON, NULL when deleted
);
CREATE INDEX svc_audit_entity ON svc_audit(entity, entity_id, id);
CREATE TABLE svc_installations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  time_zone TEXT NOT NULL,       -- IANA zone of the site: schedules are local time there
  dispatch_included INTEGER NOT NULL DEFAULT 0,
  caller_password_hash TEXT,     -- scrypt, like user codes
  last_inspection TEXT,          -- YYYY-MM-DD
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE svc_installation_panels (
  panel TEXT PRIMARY KEY,
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id)
);
-- Contacts, action plans and schedules are versioned documents: a change adds a version, nothing is
-- overwritten, so what was in force at any instant can be shown.
CREATE TABLE svc_documents (
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  kind TEXT NOT NULL,            -- contacts | plan | schedule
  version INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,
  actor TEXT NOT NULL,
  body TEXT NOT NULL,            -- JSON, checked on read by the schema that wrote it
  PRIMARY KEY (installation_id, kind, version)
);
CREATE TABLE svc_caller_lockout (
  installation_id INTEGER PRIMARY KEY REFERENCES svc_installations(id),
  wrong INTEGER NOT NULL,
  locked_until INTEGER
);
`,
  },
];
