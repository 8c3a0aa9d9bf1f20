-- Zijin's schema on PostgreSQL (the SQLite migration has the same tables).
--
-- Names are never qualified with a schema: everything is created in the first
-- schema of the connection's search_path, so a deployment (or a test) can keep
-- Zijin in a schema of its own.
--
-- plan_versions: a plan is stored as a document, the serde_json text of
--   zijin_domain::Plan (as text, not jsonb, so that it is kept exactly as
--   written), next to the text of the file it came from. Loading a changed plan
--   adds a version (1, 2, ...); nothing is overwritten.
-- active_plan: one row naming the plan code that is active; its latest
--   version is the active plan.
-- regions: one row per region code, updated in place (names are data that get
--   corrected); `position` keeps the order in which regions were first saved.
--   The parent must be a stored region; the check is deferred to the commit so
--   that a file may list a park before its zone.
-- imports: one row per import that wrote something.
-- observations: append-only. The primary key (indicator, region, period,
--   revision) is both the uniqueness rule and the index every read uses: an
--   indicator prefix for imports, indicator and region for history. The period
--   is its canonical text (2022, 2023-H1, 2023-Q2, 2023-11); periods are sorted
--   in Rust with the domain order, never by this text, so no derived year/month
--   columns are kept.
-- latest_observation_revisions: the latest revision of every key, with
--   DISTINCT ON: one pass over the key range in primary-key order (or one
--   sort), whatever the planner's statistics say. Filters on indicator and
--   region are pushed into it and use the primary key. An anti join (NOT
--   EXISTS a newer revision), as on SQLite, was planned as a quadratic nested
--   loop right after a bulk import (no statistics yet): minutes for a million rows.

CREATE TABLE plan_versions (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT        NOT NULL,
    version     INTEGER     NOT NULL CHECK (version >= 1),
    document    TEXT        NOT NULL,
    source_text TEXT        NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE active_plan (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    code      TEXT    NOT NULL
);

CREATE TABLE regions (
    code     TEXT   PRIMARY KEY,
    name_zh  TEXT   NOT NULL,
    name_en  TEXT   NOT NULL,
    kind     TEXT   NOT NULL,
    parent   TEXT   REFERENCES regions (code) DEFERRABLE INITIALLY DEFERRED,
    note     TEXT,
    position BIGINT NOT NULL UNIQUE
);

CREATE TABLE imports (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    files       TEXT[]      NOT NULL,
    digest      TEXT        NOT NULL,
    imported_by TEXT        NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    added       BIGINT      NOT NULL,
    revised     BIGINT      NOT NULL
);

CREATE TABLE observations (
    indicator      TEXT             NOT NULL,
    region         TEXT             NOT NULL REFERENCES regions (code),
    period         TEXT             NOT NULL,
    revision       INTEGER          NOT NULL CHECK (revision >= 1),
    value          DOUBLE PRECISION NOT NULL,
    qualifier      TEXT             NOT NULL,
    unit           TEXT             NOT NULL,
    source         TEXT             NOT NULL,
    source_quality TEXT             NOT NULL,
    note           TEXT,
    import_id      BIGINT           NOT NULL REFERENCES imports (id),
    PRIMARY KEY (indicator, region, period, revision)
);

CREATE VIEW latest_observation_revisions AS
SELECT DISTINCT ON (indicator, region, period) *
FROM observations
ORDER BY indicator, region, period, revision DESC;
