-- A facility's energy site: its areas, production lines, where each meter sits in the tree, the daily production
-- counters per line, the recorded grid factor and tariff, and energy-saving measures with their periods.
--
-- The site is the facility (one energy site per facility). Meters stay in energy_meters (0010); their place in the
-- tree is a row of energy_meter_placements, so that meters registered for readings only keep working unplaced.
-- energy_meters.multiplier remains the whole register factor the roll-ups apply (CT × PT × any multiplier); the
-- placement records the CT and PT ratios it is made of, for people. docs/energy-site.md describes the model.

CREATE TABLE energy_sites (
    facility_id                TEXT PRIMARY KEY REFERENCES facilities (id),
    organisation_id            TEXT NOT NULL REFERENCES organisations (id),
    name                       TEXT NOT NULL,
    utc_offset_minutes         BIGINT NOT NULL,
    -- The metering interval of the site's meters (15 or 60 minutes), as the analysis reads cleaning gaps.
    interval_minutes           BIGINT NOT NULL,
    -- The grid factor every t CO2e figure of the site uses: always recorded, never implicit.
    grid_factor_id             TEXT,
    grid_factor_t_co2e_per_mwh DOUBLE PRECISION NOT NULL,
    grid_factor_source         TEXT NOT NULL,
    tariff_cny_per_kwh         DOUBLE PRECISION,
    tariff_source              TEXT,
    created_at                 TEXT NOT NULL,
    created_by                 TEXT NOT NULL REFERENCES users (id),
    updated_at                 TEXT NOT NULL
);
CREATE INDEX energy_sites_organisation ON energy_sites (organisation_id);

CREATE TABLE energy_areas (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    facility_id     TEXT NOT NULL REFERENCES energy_sites (facility_id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL
);
CREATE UNIQUE INDEX energy_areas_code_key ON energy_areas (facility_id, code);

CREATE TABLE energy_lines (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    facility_id     TEXT NOT NULL REFERENCES energy_sites (facility_id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    area_id         TEXT NOT NULL REFERENCES energy_areas (id),
    product_sku     TEXT NOT NULL,
    output_unit     TEXT NOT NULL,
    -- The tanji product the line makes, when it is one of the organisation's products (the footprint chain).
    product_id      TEXT REFERENCES products (id)
);
CREATE UNIQUE INDEX energy_lines_code_key ON energy_lines (facility_id, code);

CREATE TABLE energy_meter_placements (
    meter_id            TEXT PRIMARY KEY REFERENCES energy_meters (id),
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    area_id             TEXT NOT NULL REFERENCES energy_areas (id),
    -- A meter of a whole area (a building's incomer) has no line.
    line_id             TEXT REFERENCES energy_lines (id),
    equipment           TEXT NOT NULL CHECK (equipment IN ('whole_line', 'heater', 'drive', 'compressed_air',
                                                           'cooling', 'hvac', 'lighting', 'other')),
    served_product_sku  TEXT,
    ct_ratio            DOUBLE PRECISION NOT NULL,
    pt_ratio            DOUBLE PRECISION NOT NULL,
    -- kWh per metered unit for volume and mass units (a stated NCV or steam enthalpy); NULL for water.
    kwh_per_unit        DOUBLE PRECISION,
    rollover_value      DOUBLE PRECISION
);
CREATE INDEX energy_meter_placements_line ON energy_meter_placements (line_id);

-- Units produced by a line on a local day, per SKU. One count per line, day and SKU: the same count again is a
-- duplicate, a different one a conflict reported to the sender (the stored count is kept).
CREATE TABLE energy_production (
    line_id          TEXT NOT NULL REFERENCES energy_lines (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    day              TEXT NOT NULL,
    sku              TEXT NOT NULL,
    units            DOUBLE PRECISION NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('csv', 'api')),
    source_reference TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    PRIMARY KEY (line_id, day, sku)
);

-- An energy-saving measure on a line (IPMVP): what was done, when, and the periods its saving is verified over.
CREATE TABLE energy_measures (
    id                               TEXT PRIMARY KEY,
    organisation_id                  TEXT NOT NULL REFERENCES organisations (id),
    facility_id                      TEXT NOT NULL REFERENCES energy_sites (facility_id),
    line_id                          TEXT NOT NULL REFERENCES energy_lines (id),
    meter_id                         TEXT REFERENCES energy_meters (id),
    description                      TEXT NOT NULL,
    implemented_on                   TEXT NOT NULL,
    baseline_first                   TEXT NOT NULL,
    baseline_last                    TEXT NOT NULL,
    reporting_first                  TEXT NOT NULL,
    reporting_last                   TEXT NOT NULL,
    expected_saving_kwh_per_year     DOUBLE PRECISION,
    recorded_at                      TEXT NOT NULL,
    recorded_by                      TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX energy_measures_facility ON energy_measures (facility_id);
