-- A meter's upstream meter (上级表) in the facility's sub-metering tree: the meter whose measured energy already
-- includes this one's, such as the main incomer above a production line's meters. A facility's metered totals (the
-- inventory's activity data) count only meters without an upstream meter, so a sub-meter's kWh are never counted
-- twice; the sub-meters stay the evidence of where the energy went (lines, equipment, the product footprint).
-- NULL: the meter is at the top of its tree and counts in the totals.
ALTER TABLE energy_meter_placements ADD COLUMN parent_meter_id TEXT REFERENCES energy_meters (id);
