-- The consumer carbon account's onboarding (issue 10): a platform operator's methodology registry with its review
-- trail, its sub-platforms with the behaviours they may report and their API credentials, persons' parent accounts,
-- and the links of sub-platform identities to parent accounts with the person's consent.
--
-- The review state of a methodology version is the domain's (`tanji_account::methodology::MethodologyVersion`),
-- kept whole as JSON in `state`; the store loads it, lets the domain take the step, and writes it back under the
-- version's `step_count` (a conditional update, so two simultaneous steps cannot both apply). The other columns are
-- read-outs of that state for lists and queries; they are written from it in the same statement.

CREATE TABLE account_methodology_versions (
    id                 TEXT PRIMARY KEY,
    operator_id        TEXT NOT NULL REFERENCES organisations (id),
    methodology_number BIGINT NOT NULL,
    version            BIGINT NOT NULL,
    behaviour          TEXT NOT NULL,
    title_zh           TEXT NOT NULL,
    title_en           TEXT NOT NULL,
    -- 'checked': the operator checked the figures against the cited source; 'unverified': they were not (a draft
    -- started from a low-authority statement, or with figures still to find).
    source_check       TEXT NOT NULL CHECK (source_check IN ('checked', 'unverified')),
    formula            TEXT NOT NULL,
    citation           TEXT NOT NULL,
    author_user_id     TEXT NOT NULL REFERENCES users (id),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'expert_review', 'public_notice', 'approved', 'retired')),
    review_round       BIGINT NOT NULL,
    notice_from        TEXT,
    notice_until       TEXT,
    effective_from     TEXT,
    retired_on         TEXT,
    state              TEXT NOT NULL,
    step_count         BIGINT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX account_methodology_versions_key ON account_methodology_versions (operator_id, methodology_number, version);

-- Every review step as it happened: who, the day it counts for (the operator's calendar day), when it was recorded.
CREATE TABLE account_methodology_review_steps (
    id                      TEXT PRIMARY KEY,
    methodology_version_id  TEXT NOT NULL REFERENCES account_methodology_versions (id),
    step_number             BIGINT NOT NULL,
    action                  TEXT NOT NULL CHECK (action IN ('draft', 'submit_for_review', 'sign_off', 'start_public_notice', 'approve', 'retire')),
    decision                TEXT CHECK (decision IN ('approve', 'request_changes')),
    review_round            BIGINT NOT NULL,
    by_user_id              TEXT REFERENCES users (id),
    by_label                TEXT NOT NULL,
    on_day                  TEXT NOT NULL,
    recorded_at             TEXT NOT NULL
);
CREATE UNIQUE INDEX account_methodology_review_steps_order ON account_methodology_review_steps (methodology_version_id, step_number);

-- Public holidays and make-up working days (调休) of the operator's calendar; the public notice counts working days.
CREATE TABLE account_calendar_days (
    operator_id TEXT NOT NULL REFERENCES organisations (id),
    day         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'make_up_working_day')),
    PRIMARY KEY (operator_id, day)
);

CREATE TABLE account_sub_platforms (
    id              TEXT PRIMARY KEY,
    operator_id     TEXT NOT NULL REFERENCES organisations (id),
    code            TEXT NOT NULL,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    -- The sub-platform's own organisation on tanji, when it has one: its members see this registration and its links.
    organisation_id TEXT REFERENCES organisations (id),
    status          TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    registered_at   TEXT NOT NULL,
    registered_by   TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX account_sub_platforms_code ON account_sub_platforms (operator_id, code);

-- The behaviours a sub-platform may report, each with a methodology (by number, all its versions) that may credit it.
CREATE TABLE account_sub_platform_behaviours (
    sub_platform_id    TEXT NOT NULL REFERENCES account_sub_platforms (id),
    behaviour          TEXT NOT NULL,
    methodology_number BIGINT NOT NULL,
    PRIMARY KEY (sub_platform_id, behaviour, methodology_number)
);

-- Machine credentials of a sub-platform: 256-bit secrets stored as SHA-256 digests, shown once, revocable.
CREATE TABLE account_sub_platform_credentials (
    id              TEXT PRIMARY KEY,
    sub_platform_id TEXT NOT NULL REFERENCES account_sub_platforms (id),
    name            TEXT NOT NULL,
    secret_hash     TEXT NOT NULL,
    secret_prefix   TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT REFERENCES users (id),
    last_used_at    TEXT,
    revoked_at      TEXT,
    revoked_by      TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX account_sub_platform_credentials_secret ON account_sub_platform_credentials (secret_hash);

-- A person's parent account (the "1" of 1+N) under one operator; the number is the ledger's person number.
CREATE TABLE account_parent_accounts (
    id             TEXT PRIMARY KEY,
    operator_id    TEXT NOT NULL REFERENCES organisations (id),
    person_number  BIGINT NOT NULL,
    display_name   TEXT NOT NULL,
    province       TEXT,
    opened_at      TEXT NOT NULL,
    opened_by      TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX account_parent_accounts_number ON account_parent_accounts (operator_id, person_number);

-- A sub-platform identity linked to a parent account. Unlinking stamps unlinked_at and keeps the row: the history
-- stays, and event ingestion credits only through a link whose unlinked_at is NULL.
CREATE TABLE account_identity_links (
    id                      TEXT PRIMARY KEY,
    sub_platform_id         TEXT NOT NULL REFERENCES account_sub_platforms (id),
    external_identity       TEXT NOT NULL,
    parent_account_id       TEXT NOT NULL REFERENCES account_parent_accounts (id),
    consent_at              TEXT NOT NULL,
    consent_wording_version TEXT NOT NULL,
    consent_channel         TEXT NOT NULL CHECK (consent_channel IN ('app', 'web', 'counter', 'paper')),
    linked_at               TEXT NOT NULL,
    linked_by               TEXT REFERENCES users (id),
    unlinked_at             TEXT,
    unlinked_by             TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX account_identity_links_in_force ON account_identity_links (sub_platform_id, external_identity) WHERE unlinked_at IS NULL;
CREATE INDEX account_identity_links_parent ON account_identity_links (parent_account_id);
