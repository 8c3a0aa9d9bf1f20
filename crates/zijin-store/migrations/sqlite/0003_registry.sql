-- The enterprise registry (企业库) and the policy runs on SQLite (the
-- PostgreSQL migration has the same tables).
--
-- registry_imports: one row per registry import that wrote something; `files`
--   is a JSON array. The counts say what it wrote.
-- enterprises: one row per unified social credit code (18 characters, checked
--   with its check character before it is stored), updated in place when a
--   later import corrects the name, district, park or chain (as regions are);
--   `import_id` is the import that wrote the row as it is now. `synthetic` is
--   1 for the demo's generated enterprises (合成数据).
-- enterprise_facts: append-only yearly facts, one row per (enterprise, year,
--   variable, revision). `variable` is the fact's name in the vocabulary
--   (zijin_domain::FACTS, the policy packs' variable names); `value` is exact
--   decimal text (money in yuan, integers, 1/0 for yes/no), never a float. A
--   value equal to the latest revision is not stored again; a different one
--   is the next revision. The key is stored newest revision first and the
--   table is WITHOUT ROWID, as observations are: reading the registry is one
--   scan in key order that keeps the first row of each key. When a revision
--   was recorded is its import's `imported_at`: it is read through
--   `import_id` rather than repeated on millions of rows. The table has no
--   foreign keys: a registry holds millions of facts (the demo's 2.3 million),
--   and checking two keys per row made its import a quarter slower; the store
--   writes facts only of enterprises it has checked (in the same transaction)
--   with the import it has just recorded.
-- enterprise_labels: append-only labels (资质) with their validity, keyed by
--   (enterprise, kind, first valid day): a renewed certificate is another
--   label; a correction of the last day, the number or the source of the same
--   label is its next revision. `valid_to` NULL means no end.
-- latest_enterprise_fact_revisions and latest_enterprise_label_revisions: the
--   latest revision of every key, for ad hoc queries (the store itself reads
--   the key order, as for observations).
-- policy_runs: one row per run of a policy pack over the registry: the pack's
--   id, version and the SHA-256 of its text, the period, the date the rules
--   were taken as known on, the data it read (the latest registry import and
--   a digest of the registry), when, and how many enterprises.
-- policy_entitlements: one row per enterprise and policy of a run: pass, fail
--   or unknown, the amount as exact decimal text (NULL without one) and the
--   explanation (JSON text). WITHOUT ROWID: the key (run, enterprise, policy)
--   is the table. No foreign key, for the reason facts have none: a run
--   writes up to a million rows, in the transaction that records the run.
--
-- Dates are ISO-8601 text (2024-12-31); timestamps as in 0001.

CREATE TABLE registry_imports (
    id                  INTEGER PRIMARY KEY,
    files               TEXT    NOT NULL,
    digest              TEXT    NOT NULL,
    imported_by         TEXT    NOT NULL,
    imported_at         TEXT    NOT NULL,
    enterprises_added   INTEGER NOT NULL,
    enterprises_updated INTEGER NOT NULL,
    facts_added         INTEGER NOT NULL,
    facts_revised       INTEGER NOT NULL,
    labels_added        INTEGER NOT NULL,
    labels_revised      INTEGER NOT NULL
);

CREATE TABLE enterprises (
    uscc              TEXT    PRIMARY KEY CHECK (length(uscc) = 18),
    name              TEXT    NOT NULL,
    registration_date TEXT    NOT NULL,
    district          TEXT    NOT NULL REFERENCES regions (code),
    park              TEXT    REFERENCES regions (code),
    chain             TEXT    NOT NULL,
    synthetic         INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
    import_id         INTEGER NOT NULL REFERENCES registry_imports (id)
) WITHOUT ROWID;

CREATE TABLE enterprise_facts (
    uscc      TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    variable  TEXT    NOT NULL,
    revision  INTEGER NOT NULL CHECK (revision >= 1),
    value     TEXT    NOT NULL,
    import_id INTEGER NOT NULL,
    PRIMARY KEY (uscc, year, variable, revision DESC)
) WITHOUT ROWID;

CREATE TABLE enterprise_labels (
    uscc       TEXT    NOT NULL REFERENCES enterprises (uscc),
    kind       TEXT    NOT NULL,
    valid_from TEXT    NOT NULL,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    valid_to   TEXT,
    number     TEXT,
    source     TEXT    NOT NULL,
    import_id  INTEGER NOT NULL REFERENCES registry_imports (id),
    PRIMARY KEY (uscc, kind, valid_from, revision DESC)
) WITHOUT ROWID;

CREATE VIEW latest_enterprise_fact_revisions AS
SELECT fact.*
FROM enterprise_facts AS fact
WHERE NOT EXISTS (
    SELECT 1
    FROM enterprise_facts AS newer
    WHERE newer.uscc = fact.uscc
      AND newer.year = fact.year
      AND newer.variable = fact.variable
      AND newer.revision > fact.revision
);

CREATE VIEW latest_enterprise_label_revisions AS
SELECT label.*
FROM enterprise_labels AS label
WHERE NOT EXISTS (
    SELECT 1
    FROM enterprise_labels AS newer
    WHERE newer.uscc = label.uscc
      AND newer.kind = label.kind
      AND newer.valid_from = label.valid_from
      AND newer.revision > label.revision
);

CREATE TABLE policy_runs (
    id                 INTEGER PRIMARY KEY,
    pack_id            TEXT    NOT NULL,
    pack_version       TEXT    NOT NULL,
    pack_sha256        TEXT    NOT NULL,
    period             INTEGER NOT NULL,
    known_on           TEXT,
    registry_import_id INTEGER REFERENCES registry_imports (id),
    registry_digest    TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    enterprise_count   INTEGER NOT NULL CHECK (enterprise_count >= 0)
);

CREATE TABLE policy_entitlements (
    run_id      INTEGER NOT NULL,
    uscc        TEXT    NOT NULL,
    policy_id   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pass', 'fail', 'unknown')),
    amount      TEXT,
    explanation TEXT    NOT NULL,
    PRIMARY KEY (run_id, uscc, policy_id)
) WITHOUT ROWID;
