-- Evaluations (考核评价): runs of a composite-index framework (data/frameworks)
-- on one year of its data, and their results. Append-only: running a framework
-- again adds a run; nothing is overwritten. The latest run of a (framework,
-- year) is the one with the highest id.
--
-- evaluation_runs: what was run. `framework` is the framework's code and
--   `version` its version; `key` the built-in folder (parks, nri). `synthetic`
--   (0/1) and the notes label synthetic data. `runs` and `seed` are those of
--   the rank-uncertainty analysis (the seed is the u64's bits as a signed
--   integer). `framework_text` is the framework.toml the run used, kept as it
--   was (its pipeline, uncertainty settings and exit rule).
-- evaluation_nodes: the framework's tree at the run (`position` keeps iMeta's order).
-- evaluation_units: the units of the year's data, with their group columns
--   (a JSON object of text values) and whether screening kept them.
-- evaluation_results: one row per unit and node: the raw value (indicators),
--   the score and the rank (1 best; NULL where missing or screened out).
-- evaluation_rank_uncertainty: the index's rank per unit over the uncertainty
--   draws: nominal, median, 5th and 95th percentile, mean.

CREATE TABLE evaluation_runs (
    id             INTEGER PRIMARY KEY,
    framework      TEXT    NOT NULL,
    key            TEXT    NOT NULL,
    version        TEXT    NOT NULL,
    name_zh        TEXT    NOT NULL,
    name_en        TEXT    NOT NULL,
    unit_kind      TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    synthetic      INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
    note_zh        TEXT    NOT NULL,
    note_en        TEXT    NOT NULL,
    runs           INTEGER NOT NULL CHECK (runs >= 0),
    seed           INTEGER NOT NULL,
    index_code     TEXT    NOT NULL,
    framework_text TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);

CREATE INDEX evaluation_runs_by_framework_year ON evaluation_runs (framework, year, id);

CREATE TABLE evaluation_nodes (
    run_id    INTEGER NOT NULL REFERENCES evaluation_runs (id),
    position  INTEGER NOT NULL,
    code      TEXT    NOT NULL,
    name_zh   TEXT    NOT NULL,
    name_en   TEXT    NOT NULL,
    level     INTEGER NOT NULL,
    parent    TEXT,
    weight    REAL    NOT NULL,
    direction REAL    NOT NULL,
    unit      TEXT,
    rationale TEXT,
    PRIMARY KEY (run_id, position),
    UNIQUE (run_id, code)
);

CREATE TABLE evaluation_units (
    run_id   INTEGER NOT NULL REFERENCES evaluation_runs (id),
    position INTEGER NOT NULL,
    code     TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    groups   TEXT    NOT NULL,
    included INTEGER NOT NULL CHECK (included IN (0, 1)),
    PRIMARY KEY (run_id, position),
    UNIQUE (run_id, code)
);

CREATE TABLE evaluation_results (
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    unit   TEXT    NOT NULL,
    node   TEXT    NOT NULL,
    value  REAL,
    score  REAL,
    rank   INTEGER,
    PRIMARY KEY (run_id, unit, node)
) WITHOUT ROWID;

CREATE TABLE evaluation_rank_uncertainty (
    run_id  INTEGER NOT NULL REFERENCES evaluation_runs (id),
    unit    TEXT    NOT NULL,
    nominal REAL,
    median  REAL,
    q05     REAL,
    q95     REAL,
    mean    REAL,
    PRIMARY KEY (run_id, unit)
) WITHOUT ROWID;
