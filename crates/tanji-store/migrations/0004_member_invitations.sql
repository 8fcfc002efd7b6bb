-- Invitations to become a member of an organisation. People are no longer added to an organisation directly: an
-- owner invites an e-mail address with a role, and the person holding that address accepts (logged in, or by
-- creating their account from the invitation). Portable SQL like 0001: TEXT only, times as RFC 3339 UTC text with
-- six fractional digits, yes/no facts as nullable timestamps.

CREATE TABLE member_invitations (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    -- SHA-256 of the code in the link; the code itself is shown to the inviting owner once and never stored.
    code_hash       TEXT NOT NULL,
    -- Trimmed and lower-cased like users.email, so the match with a login is a plain comparison.
    email           TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'auditor', 'viewer')),
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    accepted_at     TEXT,
    accepted_by     TEXT REFERENCES users (id),
    revoked_at      TEXT
);
CREATE UNIQUE INDEX member_invitations_code_hash_key ON member_invitations (code_hash);
CREATE INDEX member_invitations_organisation_idx ON member_invitations (organisation_id, created_at);
