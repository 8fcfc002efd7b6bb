-- Independent verification bodies (核查机构) and the engagements through which an organisation lets a body's
-- auditors verify its data. Portable SQL like 0001.
--
-- organisations.kind gains 'verification_body'. Its CHECK constraint cannot be altered in place on SQLite, so the
-- column is replaced: a new column with the wider CHECK, filled from the old one, the old one dropped (its CHECK is
-- its own, so SQLite allows the drop) and the new one renamed. The DEFAULT is only there because SQLite cannot add
-- a NOT NULL column without one; the store names the kind in every insert.
ALTER TABLE organisations ADD COLUMN kind_with_verifiers TEXT NOT NULL DEFAULT 'brand_retailer'
    CHECK (kind_with_verifiers IN ('platform_operator', 'brand_retailer', 'supplier', 'sub_platform', 'verification_body'));
UPDATE organisations SET kind_with_verifiers = kind;
ALTER TABLE organisations DROP COLUMN kind;
ALTER TABLE organisations RENAME COLUMN kind_with_verifiers TO kind;

-- An organisation (organisation_id) engages a verification body (verification_body_id): while ended_at is empty,
-- the body's auditors act in the organisation as auditors. One open engagement per pair.
CREATE TABLE verification_engagements (
    id                   TEXT PRIMARY KEY,
    organisation_id      TEXT NOT NULL REFERENCES organisations (id),
    verification_body_id TEXT NOT NULL REFERENCES organisations (id),
    started_by           TEXT NOT NULL REFERENCES users (id),
    started_at           TEXT NOT NULL,
    ended_by             TEXT REFERENCES users (id),
    ended_at             TEXT
);
CREATE UNIQUE INDEX verification_engagements_open_key
    ON verification_engagements (organisation_id, verification_body_id) WHERE ended_at IS NULL;
CREATE INDEX verification_engagements_body_idx ON verification_engagements (verification_body_id);
