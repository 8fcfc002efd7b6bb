-- Energy meters, their raw readings, and hourly/daily/monthly roll-ups kept up to date as readings arrive.
--
-- Readings are stored as received (value before the multiplier, never overwritten). A meter has one reading per
-- instant: the primary key (meter_id, reading_at) makes a repeated reading a no-op and a different value at the
-- same instant a conflict the store reports. Roll-ups hold consumption in the meter's unit after the multiplier,
-- updated in the transaction that inserts the reading, so dashboards read roll-ups and never scan raw rows.
-- docs/energy-ingestion.md states the rules (which bucket a reading counts in, cumulative registers, resets).

CREATE TABLE energy_meters (
    id                 TEXT PRIMARY KEY,
    organisation_id    TEXT NOT NULL REFERENCES organisations (id),
    facility_id        TEXT NOT NULL REFERENCES facilities (id),
    code               TEXT NOT NULL,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('electricity', 'natural_gas', 'steam', 'water', 'compressed_air')),
    unit               TEXT NOT NULL,
    register_type      TEXT NOT NULL CHECK (register_type IN ('interval', 'cumulative')),
    multiplier         DOUBLE PRECISION NOT NULL,
    -- Local days and months are cut at midnight of this fixed offset from UTC (China: +480).
    utc_offset_minutes BIGINT NOT NULL,
    n_readings         BIGINT NOT NULL DEFAULT 0,
    -- The latest reading, so that readings arriving in time order need no lookup to find their predecessor.
    last_reading_at    TEXT,
    last_value         DOUBLE PRECISION,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users (id)
);
CREATE UNIQUE INDEX energy_meters_code_key ON energy_meters (organisation_id, code);

CREATE TABLE energy_readings (
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    meter_id         TEXT NOT NULL REFERENCES energy_meters (id),
    reading_at       TEXT NOT NULL,
    value            DOUBLE PRECISION NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('csv', 'api', 'mqtt')),
    source_reference TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    PRIMARY KEY (meter_id, reading_at)
);

CREATE TABLE energy_rollups (
    meter_id          TEXT NOT NULL REFERENCES energy_meters (id),
    grain             TEXT NOT NULL CHECK (grain IN ('hour', 'day', 'month')),
    bucket_start      TEXT NOT NULL,
    consumption       DOUBLE PRECISION NOT NULL,
    n_readings        BIGINT NOT NULL,
    -- Cumulative registers: deltas that went down (a reset or rollover), counted as zero consumption.
    n_negative_deltas BIGINT NOT NULL,
    PRIMARY KEY (meter_id, grain, bucket_start)
);
