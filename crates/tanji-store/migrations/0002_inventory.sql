-- Organisation GHG inventory: facility boundary, activity data, own emission factors, inventory versions.

ALTER TABLE facilities ADD COLUMN equity_share_percent DOUBLE PRECISION NOT NULL DEFAULT 100;
ALTER TABLE facilities ADD COLUMN financial_control BIGINT NOT NULL DEFAULT 1;
ALTER TABLE facilities ADD COLUMN operational_control BIGINT NOT NULL DEFAULT 1;

CREATE TABLE activity_imports (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    file_name       TEXT NOT NULL,
    n_rows          BIGINT NOT NULL,
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL
);

-- One row per activity record. The row as entered (every column of the documented CSV format) is kept in
-- row_json, so a record is re-read exactly as it was entered; the other columns serve lists and filters.
CREATE TABLE activity_records (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    facility_id     TEXT NOT NULL REFERENCES facilities (id),
    record_key      TEXT NOT NULL,
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    source          TEXT NOT NULL,
    quantity        DOUBLE PRECISION NOT NULL,
    unit            TEXT NOT NULL,
    data_source     TEXT NOT NULL,
    row_json        TEXT NOT NULL,
    import_id       TEXT REFERENCES activity_imports (id),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE UNIQUE INDEX activity_records_key ON activity_records (organisation_id, record_key);
CREATE INDEX activity_records_period_idx ON activity_records (organisation_id, period_start);

-- Factors an organisation adds for itself (e.g. supplier-specific). Versions are never updated, only added.
CREATE TABLE own_emission_factors (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    factor_id       TEXT NOT NULL,
    version         BIGINT NOT NULL,
    factor_json     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE UNIQUE INDEX own_emission_factors_key ON own_emission_factors (organisation_id, factor_id, version);

-- Each computation is a new, immutable version; verification freezes a version by setting verified_at once.
CREATE TABLE inventory_versions (
    id                     TEXT PRIMARY KEY,
    organisation_id        TEXT NOT NULL REFERENCES organisations (id),
    reporting_year         BIGINT NOT NULL,
    version                BIGINT NOT NULL,
    gwp_set                TEXT NOT NULL,
    consolidation          TEXT NOT NULL,
    base_year_json         TEXT,
    total_location_kg      DOUBLE PRECISION NOT NULL,
    total_market_kg        DOUBLE PRECISION NOT NULL,
    n_errors               BIGINT NOT NULL,
    result_json            TEXT NOT NULL,
    computed_at            TEXT NOT NULL,
    computed_by            TEXT NOT NULL,
    verified_at            TEXT,
    verified_by            TEXT,
    verification_statement TEXT
);
CREATE UNIQUE INDEX inventory_versions_key ON inventory_versions (organisation_id, reporting_year, version);
