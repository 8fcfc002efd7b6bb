-- The platform foundation: tenants, people, facilities, credentials, supplier links and the audit log.
--
-- This file runs unchanged on SQLite and PostgreSQL. To keep it portable it uses only TEXT, BIGINT and
-- DOUBLE PRECISION columns; identifiers are UUID text; times are RFC 3339 UTC text with exactly six fractional
-- digits (so that text order is time order); yes/no facts are nullable timestamps ("archived_at") rather than
-- booleans. Constraint and index names are stable: the storage adapter maps violations to API errors by name.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('platform_operator', 'brand_retailer', 'supplier', 'sub_platform')),
    country     TEXT NOT NULL,
    credit_code TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (name);
CREATE UNIQUE INDEX organisations_credit_code_key ON organisations (credit_code);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language      TEXT,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    role            TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'auditor', 'viewer')),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE facilities (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    code            TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('factory', 'warehouse', 'logistics_hub', 'office', 'store', 'data_centre', 'other')),
    country         TEXT NOT NULL,
    subdivision     TEXT,
    city            TEXT,
    address         TEXT,
    archived_at     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX facilities_name_key ON facilities (organisation_id, name);
CREATE UNIQUE INDEX facilities_code_key ON facilities (organisation_id, code);

CREATE TABLE api_tokens (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    created_by      TEXT NOT NULL REFERENCES users (id),
    name            TEXT NOT NULL,
    secret_hash     TEXT NOT NULL,
    secret_prefix   TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT,
    last_used_at    TEXT,
    revoked_at      TEXT
);
CREATE UNIQUE INDEX api_tokens_secret_hash_key ON api_tokens (secret_hash);
CREATE INDEX api_tokens_organisation_idx ON api_tokens (organisation_id);

CREATE TABLE sessions (
    id_hash         TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    csrf_token      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE supplier_invitations (
    id                          TEXT PRIMARY KEY,
    customer_organisation_id    TEXT NOT NULL REFERENCES organisations (id),
    code_hash                   TEXT NOT NULL,
    supplier_name               TEXT NOT NULL,
    message                     TEXT,
    created_by                  TEXT NOT NULL REFERENCES users (id),
    created_at                  TEXT NOT NULL,
    expires_at                  TEXT NOT NULL,
    accepted_at                 TEXT,
    accepted_by_organisation_id TEXT REFERENCES organisations (id),
    revoked_at                  TEXT
);
CREATE UNIQUE INDEX supplier_invitations_code_hash_key ON supplier_invitations (code_hash);
CREATE INDEX supplier_invitations_customer_idx ON supplier_invitations (customer_organisation_id);

CREATE TABLE supplier_links (
    id                       TEXT PRIMARY KEY,
    customer_organisation_id TEXT NOT NULL REFERENCES organisations (id),
    supplier_organisation_id TEXT NOT NULL REFERENCES organisations (id),
    invitation_id            TEXT REFERENCES supplier_invitations (id),
    linked_at                TEXT NOT NULL,
    ended_at                 TEXT,
    CONSTRAINT supplier_links_distinct_check CHECK (customer_organisation_id <> supplier_organisation_id)
);
-- At most one link in force between the same customer and supplier.
CREATE UNIQUE INDEX supplier_links_active_pair_key
    ON supplier_links (customer_organisation_id, supplier_organisation_id) WHERE ended_at IS NULL;
CREATE INDEX supplier_links_supplier_idx ON supplier_links (supplier_organisation_id);

CREATE TABLE audit_events (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    occurred_at     TEXT NOT NULL,
    actor_user_id   TEXT,
    actor_token_id  TEXT,
    actor_label     TEXT NOT NULL,
    action          TEXT NOT NULL,
    object_id       TEXT,
    object_label    TEXT NOT NULL,
    changes         TEXT NOT NULL
);
CREATE INDEX audit_events_organisation_time_idx ON audit_events (organisation_id, occurred_at, id);
CREATE INDEX audit_events_object_idx ON audit_events (organisation_id, object_id);
