-- Supplier carbon assessment campaigns (issue 12): a brand asks its suppliers to answer a versioned indicator
-- framework (tanji_supplier::framework), suppliers answer in versions and attach evidence files, the brand's
-- reviewers accept or reject each evidence item, and the score is computed by tanji_supplier::scoring from the
-- framework version, the answers and the decisions — never stored, so it can always be recomputed.

CREATE TABLE supplier_campaigns (
    id                    TEXT PRIMARY KEY,
    brand_organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name                  TEXT NOT NULL,
    framework_id          TEXT NOT NULL,
    framework_version     BIGINT NOT NULL,
    due_on                TEXT NOT NULL,
    -- Set for generated, illustrative campaigns (the demo's 21 factories): say so wherever they are shown.
    illustrative_note     TEXT,
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            TEXT NOT NULL
);
CREATE INDEX supplier_campaigns_brand_idx ON supplier_campaigns (brand_organisation_id, created_at);

-- A supplier asked in a campaign: through a customer–supplier link in force at launch, or through an invitation
-- to a supplier not yet on tanji (its link, once accepted, names the invitation).
CREATE TABLE supplier_campaign_participants (
    id               TEXT PRIMARY KEY,
    campaign_id      TEXT NOT NULL REFERENCES supplier_campaigns (id),
    supplier_name    TEXT NOT NULL,
    supplier_link_id TEXT REFERENCES supplier_links (id),
    invitation_id    TEXT REFERENCES supplier_invitations (id),
    added_at         TEXT NOT NULL,
    submitted_at     TEXT,
    CONSTRAINT supplier_campaign_participants_source_check CHECK (
        (supplier_link_id IS NULL) <> (invitation_id IS NULL))
);
CREATE INDEX supplier_campaign_participants_campaign_idx ON supplier_campaign_participants (campaign_id);
CREATE UNIQUE INDEX supplier_campaign_participants_link_key
    ON supplier_campaign_participants (campaign_id, supplier_link_id);
CREATE INDEX supplier_campaign_participants_invitation_idx ON supplier_campaign_participants (invitation_id);

-- One version of one answer. Versions of an indicator are 1, 2, …; the last is current. `reopened_at` on the
-- current version lets the supplier answer again (a new version); `submitted_at` closes a version to new evidence.
CREATE TABLE supplier_answers (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES supplier_campaign_participants (id),
    indicator      TEXT NOT NULL,
    version        BIGINT NOT NULL,
    tier           TEXT NOT NULL,
    note           TEXT,
    answered_by    TEXT NOT NULL REFERENCES users (id),
    answered_at    TEXT NOT NULL,
    reopened_at    TEXT,
    reopened_by    TEXT REFERENCES users (id),
    submitted_at   TEXT
);
CREATE UNIQUE INDEX supplier_answers_version_key ON supplier_answers (participant_id, indicator, version);

-- Evidence files, content kept whole (base64 text, one SQL dialect) beside its SHA-256, size and the media type
-- sniffed from its bytes.
CREATE TABLE supplier_evidence (
    id             TEXT PRIMARY KEY,
    answer_id      TEXT NOT NULL REFERENCES supplier_answers (id),
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    content_base64 TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL REFERENCES users (id),
    uploaded_at    TEXT NOT NULL
);
CREATE INDEX supplier_evidence_answer_idx ON supplier_evidence (answer_id);

-- Reviewers' decisions on evidence, in order; the last one on an item counts.
CREATE TABLE supplier_evidence_decisions (
    id          TEXT PRIMARY KEY,
    evidence_id TEXT NOT NULL REFERENCES supplier_evidence (id),
    reviewer    TEXT NOT NULL REFERENCES users (id),
    verdict     TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    comment     TEXT,
    decided_at  TEXT NOT NULL
);
CREATE INDEX supplier_evidence_decisions_evidence_idx ON supplier_evidence_decisions (evidence_id);
