-- The weather station and its source in Chinese (`station_zh` / `source_zh` under `[weather]` in the site file),
-- beside the text stored in station / source, so that each reader sees them in their own language (as migration 0017
-- does for the grid factor's and tariff's citations). NULL when only one text was given: weather saved over the API
-- or from a file without them stores what was sent and clears the Chinese text that would no longer match it.
ALTER TABLE energy_weather_sources ADD COLUMN station_zh TEXT;
ALTER TABLE energy_weather_sources ADD COLUMN source_zh TEXT;
