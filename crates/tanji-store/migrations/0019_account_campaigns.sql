-- Campaigns, badges and the person's own page of a carbon-account scheme (issue 10): what the scheme's operator
-- runs on top of its points ledger (0015) and its parent accounts (0016).
--
-- Scores, ranks and awards are not stored: they are recomputed from the ledger's transfers by
-- tanji_account::board (lots replayed, expired and reversed points left out), so a rank can never disagree with the
-- ledger. What is stored is what the operator decided: the campaign (window, provinces, its badge) and the
-- milestone badges, and the passes that let a person open their own page.

-- A campaign week (or any window) of one operator. `provinces` lists the ISO 3166-2 codes that take part,
-- comma-separated, sorted; empty means nationwide. The campaign badge goes to whoever earns `badge_points` within
-- the window (no badge when `badge_code` is NULL).
CREATE TABLE account_campaigns (
    id            TEXT PRIMARY KEY,
    operator_id   TEXT NOT NULL REFERENCES organisations (id),
    code          TEXT NOT NULL,
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    provinces     TEXT NOT NULL,
    badge_code    TEXT,
    badge_name_zh TEXT,
    badge_name_en TEXT,
    badge_points  BIGINT,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    CHECK (starts_at < ends_at),
    CHECK ((badge_code IS NULL) = (badge_points IS NULL))
);
CREATE UNIQUE INDEX account_campaigns_code ON account_campaigns (operator_id, code);

-- A milestone badge of one operator (tanji_account::board::BadgeRule): 'points' — lifetime points still counted
-- reach `threshold`; 'behaviour' — credited activities of methodology `methodology_number` reach `threshold`.
CREATE TABLE account_badges (
    operator_id        TEXT NOT NULL REFERENCES organisations (id),
    code               TEXT NOT NULL,
    name_zh            TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('points', 'behaviour')),
    threshold          BIGINT NOT NULL CHECK (threshold > 0),
    methodology_number BIGINT,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (operator_id, code),
    CHECK ((kind = 'behaviour') = (methodology_number IS NOT NULL))
);

-- A person's pass to their own page: issued by the operator for one parent account, presented once on the
-- sign-in page and then kept in an HttpOnly cookie. Only the SHA-256 digest of the secret is stored.
CREATE TABLE account_person_passes (
    id                TEXT PRIMARY KEY,
    parent_account_id TEXT NOT NULL REFERENCES account_parent_accounts (id),
    secret_digest     TEXT NOT NULL UNIQUE,
    issued_at         TEXT NOT NULL,
    issued_by         TEXT NOT NULL REFERENCES users (id),
    expires_at        TEXT NOT NULL,
    revoked_at        TEXT
);
CREATE INDEX account_person_passes_account ON account_person_passes (parent_account_id);
