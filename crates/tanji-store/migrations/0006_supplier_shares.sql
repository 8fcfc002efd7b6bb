-- What a supplier shares with a linked customer, and English names for organisations and facilities.
--
-- A share belongs to one customer–supplier link and one kind of data. Granting inserts a row; revoking stamps
-- revoked_at on it, so the history stays. At most one share of a kind is in force per link. Whether a share is in
-- force also depends on its link being in force: the store reads shares only through links whose ended_at is NULL.

CREATE TABLE supplier_shares (
    id               TEXT PRIMARY KEY,
    supplier_link_id TEXT NOT NULL REFERENCES supplier_links (id),
    kind             TEXT NOT NULL CHECK (kind IN ('published_footprints', 'verified_inventory_summary')),
    granted_at       TEXT NOT NULL,
    granted_by       TEXT NOT NULL REFERENCES users (id),
    revoked_at       TEXT,
    revoked_by       TEXT REFERENCES users (id)
);
CREATE UNIQUE INDEX supplier_shares_active_kind_key ON supplier_shares (supplier_link_id, kind) WHERE revoked_at IS NULL;

-- The English console shows these where present; the name stays the legal (usually Chinese) name.
ALTER TABLE organisations ADD COLUMN name_en TEXT;
ALTER TABLE facilities ADD COLUMN name_en TEXT;
