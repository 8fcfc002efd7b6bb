-- Product carbon footprints: products, immutable product model versions, computed footprints, and the
-- organisation's tamper-evident chain of label publications.

CREATE TABLE products (
    id                  TEXT PRIMARY KEY,
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    sku                 TEXT NOT NULL,
    name_zh             TEXT NOT NULL,
    name_en             TEXT NOT NULL,
    -- The conventional product this one is compared with (减碳足迹), another product of the same organisation.
    baseline_product_id TEXT REFERENCES products (id),
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL
);
CREATE UNIQUE INDEX products_sku ON products (organisation_id, sku);

-- Each save is a new version; versions are never changed. Factor references are pinned to id@version on save.
CREATE TABLE product_models (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    product_id      TEXT NOT NULL REFERENCES products (id),
    version         BIGINT NOT NULL,
    model_json      TEXT NOT NULL,
    note            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE UNIQUE INDEX product_models_version ON product_models (product_id, version);

-- A footprint is computed against one pinned model version; the whole result is kept as computed.
CREATE TABLE footprints (
    id                     TEXT PRIMARY KEY,
    organisation_id        TEXT NOT NULL REFERENCES organisations (id),
    product_id             TEXT NOT NULL REFERENCES products (id),
    model_id               TEXT NOT NULL REFERENCES product_models (id),
    model_version          BIGINT NOT NULL,
    total_kg_co2e          DOUBLE PRECISION NOT NULL,
    result_json            TEXT NOT NULL,
    baseline_footprint_id  TEXT REFERENCES footprints (id),
    comparison_json        TEXT,
    computed_at            TEXT NOT NULL,
    computed_by            TEXT NOT NULL,
    verified_at            TEXT,
    verified_by            TEXT,
    verifier_organisation  TEXT,
    verification_statement TEXT
);
CREATE INDEX footprints_product ON footprints (product_id, computed_at);

-- The chain: record_hash covers sequence, code, version, time, content hash, previous hash and sign-off
-- (tanji_label::publication). Rows are only inserted; withdrawal is recorded beside the chain, never in it.
CREATE TABLE label_publications (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    product_id       TEXT NOT NULL REFERENCES products (id),
    footprint_id     TEXT NOT NULL REFERENCES footprints (id),
    sequence         BIGINT NOT NULL,
    code             TEXT NOT NULL,
    version          BIGINT NOT NULL,
    published_at     TEXT NOT NULL,
    content_json     TEXT NOT NULL,
    sign_off_json    TEXT,
    content_hash     TEXT NOT NULL,
    previous_hash    TEXT NOT NULL,
    record_hash      TEXT NOT NULL,
    published_by     TEXT NOT NULL,
    withdrawn_at     TEXT,
    withdrawn_reason TEXT
);
CREATE UNIQUE INDEX label_publications_sequence ON label_publications (organisation_id, sequence);
CREATE UNIQUE INDEX label_publications_code_version ON label_publications (code, version);
