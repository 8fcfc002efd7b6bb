-- A facility's outdoor weather for the energy analysis: the station and source the daily mean temperatures come from,
-- the degree-day base temperatures, and one mean temperature per local day. The analysis turns them into heating and
-- cooling degree-days and offers them to each line's baseline (docs/energy-site.md, "Weather").

CREATE TABLE energy_weather_sources (
    facility_id     TEXT PRIMARY KEY REFERENCES energy_sites (facility_id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    -- The station, e.g. "58665 台州 (WMO)", and who publishes its data (with version or retrieval date and licence).
    station         TEXT NOT NULL,
    source          TEXT NOT NULL,
    heating_base_c  DOUBLE PRECISION NOT NULL,
    cooling_base_c  DOUBLE PRECISION NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES users (id)
);

CREATE TABLE energy_weather_days (
    facility_id        TEXT NOT NULL REFERENCES energy_weather_sources (facility_id),
    organisation_id    TEXT NOT NULL REFERENCES organisations (id),
    -- The local day, YYYY-MM-DD.
    day                TEXT NOT NULL,
    mean_temperature_c DOUBLE PRECISION NOT NULL,
    -- Where the value came from: file and row, or the API batch.
    source_reference   TEXT NOT NULL,
    PRIMARY KEY (facility_id, day)
);
