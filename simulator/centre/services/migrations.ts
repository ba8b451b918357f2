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
  {
    version: 2,
    name: "incidents, tasks and billing",
    sql: `
CREATE TABLE svc_incidents (
  id INTEGER PRIMARY KEY,
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  panel TEXT,
  centre_alarm_id INTEGER,       -- the operator-queue alarm in the centre's own tables, when there is one
  class TEXT NOT NULL,           -- a service class, or arm-schedule
  key TEXT NOT NULL,             -- reports with the same key join one open incident
  title TEXT NOT NULL,
  state TEXT NOT NULL,           -- open | closed
  outcome TEXT,                  -- handled | false-alarm | test
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  closed_by TEXT,
  plan_version INTEGER,          -- the action plan and contact list in force when it opened
  contacts_version INTEGER
);
CREATE UNIQUE INDEX svc_incidents_open ON svc_incidents(installation_id, key) WHERE state = 'open';
CREATE INDEX svc_incidents_period ON svc_incidents(installation_id, opened_at);
CREATE TABLE svc_tasks (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES svc_incidents(id),
  step INTEGER NOT NULL,         -- index of the plan step; the contacts of one call step share it
  kind TEXT NOT NULL,
  target TEXT NOT NULL,          -- JSON: whom to call or notify
  state TEXT NOT NULL,           -- pending | open | in-progress | done | cancelled
  outcome TEXT,
  note TEXT,
  ref TEXT,                      -- provider reference (guard dispatch)
  operator TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX svc_tasks_incident ON svc_tasks(incident_id, id);
CREATE TABLE svc_billing (
  id INTEGER PRIMARY KEY,
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  incident_id INTEGER REFERENCES svc_incidents(id),
  kind TEXT NOT NULL,            -- guard-dispatch
  at INTEGER NOT NULL,
  note TEXT NOT NULL
);
`,
  },
  {
    version: 3,
    name: "test notices",
    sql: `
CREATE TABLE svc_test_notices (
  id INTEGER PRIMARY KEY,
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,      -- exclusive: the window ends by itself
  zones TEXT,                    -- JSON array, NULL = every zone
  classes TEXT,                  -- JSON array of service classes, NULL = every class
  announced_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER
);
CREATE INDEX svc_test_notices_window ON svc_test_notices(installation_id, ends_at);
`,
  },
  {
    version: 4,
    name: "customer cancellations",
    sql: `
ALTER TABLE svc_incidents ADD COLUMN cancelled_by_customer INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 5,
    name: "operators and sessions",
    sql: `
CREATE TABLE svc_operators (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,   -- scrypt
  role TEXT NOT NULL,            -- operator | supervisor | admin
  disabled INTEGER NOT NULL DEFAULT 0,
  wrong INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL
);
CREATE TABLE svc_sessions (
  token_hash TEXT PRIMARY KEY,   -- SHA-256 of the bearer token: a copied database opens no session
  username TEXT NOT NULL REFERENCES svc_operators(username),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
  },
  {
    version: 6,
    name: "arm/disarm supervision",
    sql: `
CREATE TABLE svc_arm_state (
  installation_id INTEGER PRIMARY KEY REFERENCES svc_installations(id),
  armed INTEGER NOT NULL,
  at INTEGER NOT NULL            -- time of the opening or closing event
);
CREATE TABLE svc_close_checks (  -- each local day's closing deadline is judged once
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  date TEXT NOT NULL,
  at INTEGER NOT NULL,
  armed INTEGER NOT NULL,
  PRIMARY KEY (installation_id, date)
);
`,
  },
  {
    version: 7,
    name: "remote support commands",
    sql: `
CREATE TABLE svc_remote_commands (
  id TEXT PRIMARY KEY,           -- the command id the panel's result names
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  panel TEXT NOT NULL,
  type TEXT NOT NULL,            -- user-add | user-change | user-delete; the code itself is never stored
  user_no INTEGER NOT NULL,
  state TEXT NOT NULL,           -- sent | ok | failed | expired
  error TEXT,
  requested_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX svc_remote_commands_open ON svc_remote_commands(state, expires_at);
`,
  },
  {
    version: 8,
    name: "faults and service tickets",
    sql: `
CREATE TABLE svc_tickets (
  id INTEGER PRIMARY KEY,
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  panel TEXT NOT NULL,
  fault TEXT NOT NULL,           -- tamper | battery | ac-loss | communication | supervision
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  route TEXT NOT NULL,           -- support (remote) | visit (technician)
  state TEXT NOT NULL,           -- open | closed
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  closed_by TEXT,
  close_reason TEXT              -- restored | by-hand
);
CREATE TABLE svc_faults (
  id INTEGER PRIMARY KEY,
  installation_id INTEGER NOT NULL REFERENCES svc_installations(id),
  panel TEXT NOT NULL,
  fault TEXT NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  since INTEGER NOT NULL,
  restored_at INTEGER,
  ticket_id INTEGER REFERENCES svc_tickets(id)
);
CREATE UNIQUE INDEX svc_faults_present ON svc_faults(panel, key) WHERE restored_at IS NULL;
`,
  },
];

