-- The dispatch board: headquarters, volunteers, requests, events, idempotency keys, tokens.
-- Times are unix seconds; lists are JSON text; filterable fields are columns with indexes.
-- AUTOINCREMENT: identifiers are never reused, even after the newest row is gone.

CREATE TABLE hqs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    timezone TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hq INTEGER NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    mode TEXT NOT NULL,
    skills TEXT NOT NULL,
    capacity_kg REAL NOT NULL,
    capacity_bags INTEGER NOT NULL,
    shifts TEXT NOT NULL,
    max_tasks INTEGER NOT NULL,
    home_lon REAL,
    home_lat REAL,
    position_lon REAL,
    position_lat REAL,
    position_at INTEGER,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX volunteers_hq ON volunteers (hq, id);
CREATE INDEX volunteers_status ON volunteers (status, id);
CREATE INDEX volunteers_mode ON volunteers (mode, id);
CREATE INDEX volunteers_updated_at ON volunteers (updated_at);

CREATE TABLE requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    urgency TEXT NOT NULL,
    deadline INTEGER NOT NULL,
    time_windows TEXT NOT NULL,
    service_min INTEGER NOT NULL,
    load_kg REAL NOT NULL,
    load_bags INTEGER NOT NULL,
    skills TEXT NOT NULL,
    notes TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    recipient_phone TEXT NOT NULL,
    recipient_address TEXT NOT NULL,
    lon REAL,
    lat REAL,
    geocoded TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    volunteer INTEGER,
    assigned_by TEXT,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX requests_hq_status ON requests (hq, status, id);
CREATE INDEX requests_status ON requests (status, id);
CREATE INDEX requests_urgency ON requests (urgency, id);
CREATE INDEX requests_kind ON requests (kind, id);
CREATE INDEX requests_lon_lat ON requests (lon, lat);
CREATE INDEX requests_updated_at ON requests (updated_at);
CREATE INDEX requests_created_by ON requests (created_by, id);
CREATE INDEX requests_volunteer ON requests (volunteer, id);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    hq INTEGER NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL,
    previous TEXT NOT NULL
);
CREATE INDEX events_hq ON events (hq, seq);
CREATE INDEX events_entity ON events (entity, entity_id, seq);

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    hqs TEXT NOT NULL,
    volunteer INTEGER,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
