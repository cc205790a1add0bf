-- Road closures: what is closed (OSM ways, a line or a polygon, as JSON text), for which
-- profiles (JSON list, empty: all), from when until when (unix seconds, NULL: open-ended),
-- why, by whom, and when and by whom it was lifted.

CREATE TABLE closures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    profiles TEXT NOT NULL,
    starts_at INTEGER,
    ends_at INTEGER,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    lifted_at INTEGER,
    lifted_by TEXT,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
