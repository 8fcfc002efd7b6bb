-- PACT v3 exchange (issue 11): the partners a data owner lets call its PACT host, their access tokens, the carbon
-- contents the data owner declares for a publication (PACT requires fossilCarbonContent; tanji does not compute
-- it), and every event received or sent.

-- A partner's OAuth 2.0 client. The secret is Argon2id-hashed (shown once); the client id is public. What it sees:
-- `customer` — the publications a customer may see through a supplier link in force and a published-footprints
-- share in force on it (partner_link_id); `public` — every publication of the organisation (labels are public).
-- Revoking stamps revoked_at; a revoked client gets no token and its tokens stop working.
CREATE TABLE pact_clients (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    secret_hash     TEXT NOT NULL,
    sharing         TEXT NOT NULL CHECK (sharing IN ('customer', 'public')),
    partner_link_id TEXT REFERENCES supplier_links (id),
    -- Where RequestFulfilled/RequestRejected answers to this partner go when its events name no reachable source.
    events_url      TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    revoked_at      TEXT,
    revoked_by      TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX pact_clients_client_id ON pact_clients (client_id);
CREATE INDEX pact_clients_organisation ON pact_clients (organisation_id, created_at);

-- Opaque bearer tokens, stored as SHA-256 digests, expiring.
CREATE TABLE pact_access_tokens (
    token_hash     TEXT PRIMARY KEY,
    pact_client_id TEXT NOT NULL REFERENCES pact_clients (id),
    scopes         TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
CREATE INDEX pact_access_tokens_client ON pact_access_tokens (pact_client_id);

-- The data owner's declaration of a publication's carbon contents (kg C per declared unit, PACT decimals as text).
-- Inserted once: a ProductFootprint never changes after it was offered.
CREATE TABLE pact_carbon_contents (
    publication_id  TEXT PRIMARY KEY REFERENCES label_publications (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    fossil_kg_c     TEXT NOT NULL,
    biogenic_kg_c   TEXT,
    declared_at     TEXT NOT NULL,
    declared_by     TEXT NOT NULL REFERENCES users (id)
);

-- Every event: received from a partner (direction 'in') or sent to one ('out', with its deliveries).
CREATE TABLE pact_events (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    pact_client_id  TEXT REFERENCES pact_clients (id),
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    event_type      TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    event_source    TEXT NOT NULL,
    body_json       TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    -- For a RequestCreated received: 'pending' until answered, then 'fulfilled' or 'rejected'. For an event sent:
    -- 'pending' until delivered, 'delivered', or 'abandoned' after the last retry.
    state           TEXT NOT NULL CHECK (state IN ('received', 'pending', 'fulfilled', 'rejected', 'delivered', 'abandoned')),
    -- For an answer sent: the RequestCreated it answers.
    answers_event   TEXT REFERENCES pact_events (id),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT
);
-- A partner's event id is unique per source (CloudEvents): a redelivered event is stored once.
CREATE UNIQUE INDEX pact_events_source_id ON pact_events (organisation_id, direction, event_source, event_id);
CREATE INDEX pact_events_state ON pact_events (state, next_attempt_at);
