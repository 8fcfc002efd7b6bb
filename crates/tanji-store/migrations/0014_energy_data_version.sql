-- A version of each energy site's data, for the analysis cache (tanji-store/src/energy_analysis.rs).
--
-- Every transaction that changes what the analysis of a site reads (readings and so roll-ups of its meters,
-- production counts, the site's settings, areas, lines, meter places, meters registered at the facility) writes a
-- new random value here. A cached analysis is used only while the version it was computed at is still the stored one,
-- so a change made by any process sharing the database invalidates every process's cache on its next read.
ALTER TABLE energy_sites ADD COLUMN data_version TEXT NOT NULL DEFAULT '';
