-- The enterprise registry (企业库) and the policy runs on PostgreSQL (the
-- SQLite migration has the same tables and explains them).
--
-- enterprise_facts and policy_entitlements have no foreign keys, as on SQLite: the store checks the
-- enterprises of an import itself, and per-row key checks are most of the
-- cost of a bulk insert on PostgreSQL.
-- Codes and names that the store sorts by (credit codes, variables, kinds,
-- policy ids) use the "C" collation, so that PostgreSQL orders them byte by
-- byte, as SQLite and Rust do, whatever the database's locale.
-- latest_enterprise_fact_revisions and latest_enterprise_label_revisions: the
-- latest revision of every key, with DISTINCT ON (see 0001 for why not an
-- anti join). Every key column is ordered descending, so that the primary
-- key's index, read backwards, gives the rows in that order without a sort;
-- readers that want another order say so.

CREATE TABLE registry_imports (
    id                  BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    files               TEXT[]      NOT NULL,
    digest              TEXT        NOT NULL,
    imported_by         TEXT        NOT NULL,
    imported_at         TIMESTAMPTZ NOT NULL,
    enterprises_added   BIGINT      NOT NULL,
    enterprises_updated BIGINT      NOT NULL,
    facts_added         BIGINT      NOT NULL,
    facts_revised       BIGINT      NOT NULL,
    labels_added        BIGINT      NOT NULL,
    labels_revised      BIGINT      NOT NULL
);

CREATE TABLE enterprises (
    uscc              TEXT COLLATE "C" PRIMARY KEY CHECK (length(uscc) = 18),
    name              TEXT    NOT NULL,
    registration_date DATE    NOT NULL,
    district          TEXT    NOT NULL REFERENCES regions (code),
    park              TEXT    REFERENCES regions (code),
    chain             TEXT    NOT NULL,
    synthetic         BOOLEAN NOT NULL,
    import_id         BIGINT  NOT NULL REFERENCES registry_imports (id)
);

CREATE TABLE enterprise_facts (
    uscc      TEXT COLLATE "C" NOT NULL,
    year      INTEGER NOT NULL,
    variable  TEXT COLLATE "C" NOT NULL,
    revision  INTEGER NOT NULL CHECK (revision >= 1),
    value     TEXT    NOT NULL,
    import_id BIGINT  NOT NULL,
    PRIMARY KEY (uscc, year, variable, revision)
);

CREATE TABLE enterprise_labels (
    uscc       TEXT COLLATE "C" NOT NULL REFERENCES enterprises (uscc),
    kind       TEXT COLLATE "C" NOT NULL,
    valid_from DATE    NOT NULL,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    valid_to   DATE,
    number     TEXT,
    source     TEXT    NOT NULL,
    import_id  BIGINT  NOT NULL REFERENCES registry_imports (id),
    PRIMARY KEY (uscc, kind, valid_from, revision)
);

CREATE VIEW latest_enterprise_fact_revisions AS
SELECT DISTINCT ON (uscc, year, variable) *
FROM enterprise_facts
ORDER BY uscc DESC, year DESC, variable DESC, revision DESC;

CREATE VIEW latest_enterprise_label_revisions AS
SELECT DISTINCT ON (uscc, kind, valid_from) *
FROM enterprise_labels
ORDER BY uscc DESC, kind DESC, valid_from DESC, revision DESC;

CREATE TABLE policy_runs (
    id                 BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pack_id            TEXT        NOT NULL,
    pack_version       TEXT        NOT NULL,
    pack_sha256        TEXT        NOT NULL,
    period             INTEGER     NOT NULL,
    known_on           DATE,
    registry_import_id BIGINT      REFERENCES registry_imports (id),
    registry_digest    TEXT        NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    enterprise_count   BIGINT      NOT NULL CHECK (enterprise_count >= 0)
);

CREATE TABLE policy_entitlements (
    run_id      BIGINT NOT NULL,
    uscc        TEXT COLLATE "C" NOT NULL,
    policy_id   TEXT COLLATE "C" NOT NULL,
    status      TEXT   NOT NULL CHECK (status IN ('pass', 'fail', 'unknown')),
    amount      TEXT,
    explanation TEXT   NOT NULL,
    PRIMARY KEY (run_id, uscc, policy_id)
);
