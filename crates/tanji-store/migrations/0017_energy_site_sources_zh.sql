-- The citations of a site's grid factor and tariff in Chinese (`source_zh` in the site file), beside the text stored in
-- grid_factor_source / tariff_source, so that each reader sees the citation in their own language. NULL when only one
-- text was given: a site saved in the console or over the API stores what was typed, in one language, and clears the
-- Chinese text that would no longer match it.
ALTER TABLE energy_sites ADD COLUMN grid_factor_source_zh TEXT;
ALTER TABLE energy_sites ADD COLUMN tariff_source_zh TEXT;
