-- Exactly-once event ingestion for the carbon account (issue 10): every event a sub-platform reports (HTTP batch or
-- NATS JetStream) gets one outcome row, keyed by (sub-platform, the sub-platform's event id), written in the SAME
-- transaction as the ledger transfer that carries it. A redelivery finds the row and answers with it; nothing is
-- decided or credited again. tanji-store/src/account_events.rs reads and writes these tables.

-- A sub-platform's number in its operator's scheme: the `sub_platform` of tanji_account's events, hashed with the
-- event id into the ledger transfer id and kept in each credit's user_data_32. Given at the first event, never reused.
CREATE TABLE account_sub_platform_numbers (
    sub_platform_id TEXT PRIMARY KEY REFERENCES account_sub_platforms (id),
    operator_id     TEXT NOT NULL REFERENCES organisations (id),
    number          BIGINT NOT NULL
);
CREATE UNIQUE INDEX account_sub_platform_numbers_number ON account_sub_platform_numbers (operator_id, number);

CREATE TABLE account_event_outcomes (
    sub_platform_id   TEXT NOT NULL REFERENCES account_sub_platforms (id),
    event_id          TEXT NOT NULL,
    operator_id       TEXT NOT NULL REFERENCES organisations (id),
    -- SHA-256 (hex) of the payload as first received: a redelivery with another payload is refused.
    payload_digest    TEXT NOT NULL,
    external_identity TEXT NOT NULL,
    behaviour         TEXT NOT NULL,
    occurred_at       TEXT NOT NULL,
    -- The parent account's person number when the identity was linked; NULL for an unlinked identity.
    person_number     BIGINT,
    -- credited, capped, held, rejected.
    outcome           TEXT NOT NULL CHECK (outcome IN ('credited', 'capped', 'held', 'rejected')),
    -- The domain's `tanji_account::rules::Outcome` as JSON (transfer id, points, methodology version, reason code).
    outcome_json      TEXT NOT NULL,
    -- Points put on the person's account for good by this event (0 for held and rejected).
    points_credited   BIGINT NOT NULL,
    -- The ledger transfer (decimal u128), when there is one.
    transfer_id       TEXT,
    received_via      TEXT NOT NULL CHECK (received_via IN ('http', 'nats')),
    recorded_at       TEXT NOT NULL,
    PRIMARY KEY (sub_platform_id, event_id)
);
-- Reconciliation reads a sub-platform's outcomes in the order they were recorded.
CREATE INDEX account_event_outcomes_recorded ON account_event_outcomes (sub_platform_id, recorded_at, event_id);
