-- Zijin's schema on SQLite (the PostgreSQL migration has the same tables).
--
-- plan_versions: a plan is stored as a document, the serde_json text of
--   zijin_domain::Plan, next to the text of the file it came from. Loading a
--   changed plan adds a version (1, 2, ...); nothing is overwritten.
-- active_plan: one row naming the plan code that is active; its latest
--   version is the active plan.
-- regions: one row per region code, updated in place (names are data that get
--   corrected); `position` keeps the order in which regions were first saved.
--   The parent must be a stored region; the check is deferred to the commit so
--   that a file may list a park before its zone.
-- imports: one row per import that wrote something; `files` is a JSON array.
-- observations: append-only. The primary key (indicator, region, period,
--   revision DESC) is both the uniqueness rule and the index every read uses:
--   an indicator prefix for imports, indicator and region for history. The
--   table is WITHOUT ROWID so that this key is the table itself (one B-tree to
--   write per row instead of a table plus an index). Revisions are kept newest
--   first, so that a scan in key order meets the latest revision of each key
--   first: the store reads the latest revisions that way (ORDER BY the key,
--   keeping the first row of each key), one pass with no probe per row. The
--   period is its canonical text (2022, 2023-H1, 2023-Q2, 2023-11); periods are
--   sorted in Rust with the domain order, never by this text, so no derived
--   year/month columns are kept.
-- latest_observation_revisions: the latest revision of every key, found by
--   probing the primary key for a higher revision of the same key; for ad hoc
--   queries (the store itself reads the key order, as above).
--
-- Timestamps are ISO-8601 text in UTC with exactly six decimals
-- (2024-03-01T08:00:00.000000Z), so that text order is time order and they
-- have the precision of PostgreSQL's timestamptz.

CREATE TABLE plan_versions (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    document    TEXT    NOT NULL,
    source_text TEXT    NOT NULL,
    loaded_at   TEXT    NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE active_plan (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    code      TEXT    NOT NULL
);

CREATE TABLE regions (
    code     TEXT    PRIMARY KEY,
    name_zh  TEXT    NOT NULL,
    name_en  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    parent   TEXT    REFERENCES regions (code) DEFERRABLE INITIALLY DEFERRED,
    note     TEXT,
    position INTEGER NOT NULL UNIQUE
);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    files       TEXT    NOT NULL,
    digest      TEXT    NOT NULL,
    imported_by TEXT    NOT NULL,
    imported_at TEXT    NOT NULL,
    added       INTEGER NOT NULL,
    revised     INTEGER NOT NULL
);

CREATE TABLE observations (
    indicator      TEXT    NOT NULL,
    region         TEXT    NOT NULL REFERENCES regions (code),
    period         TEXT    NOT NULL,
    revision       INTEGER NOT NULL CHECK (revision >= 1),
    value          REAL    NOT NULL,
    qualifier      TEXT    NOT NULL,
    unit           TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    source_quality TEXT    NOT NULL,
    note           TEXT,
    import_id      INTEGER NOT NULL REFERENCES imports (id),
    PRIMARY KEY (indicator, region, period, revision DESC)
) WITHOUT ROWID;

CREATE VIEW latest_observation_revisions AS
SELECT observation.*
FROM observations AS observation
WHERE NOT EXISTS (
    SELECT 1
    FROM observations AS newer
    WHERE newer.indicator = observation.indicator
      AND newer.region = observation.region
      AND newer.period = observation.period
      AND newer.revision > observation.revision
);
