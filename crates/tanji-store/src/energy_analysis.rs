//! The analysis of a facility's stored energy data, cached: [`Store::energy_analysis`].
//!
//! Loading a year of a site's hourly roll-ups and running `tanji_energy::analyze` on them takes seconds, and the
//! console's analysis page and the REST analysis endpoint ask for the same analysis again and again. The result is
//! kept per (organisation, facility, period, options) together with the site's **data version**
//! (`energy_sites.data_version`, migration 0014): a new random value written in the same transaction as every change
//! to what the analysis reads — readings (and so roll-ups) of the facility's meters, production counts, the site's
//! settings, areas, lines, meter places, meters registered at the facility. Each request reads the stored version
//! (one indexed row) and uses a cached analysis only when it was computed at that version. Because the version lives
//! in the database, a change committed by any process sharing it (another `tanji serve`, the MQTT subscriber, a
//! `tanji energy import`) makes every process recompute on its next request; nothing relies on in-process events.
//!
//! The version is read before the data. If a change commits in between, the analysis computed from the newer data is
//! filed under the older version, which no later request reads again: a cache entry is never older than its version.
//!
//! Isolation: the version is read with the actor's organisation (another tenant's facility is not found before the
//! cache is consulted), and the organisation is part of the key.
//!
//! Two requests that miss at once both compute; the second result replaces the first. The cache holds at most
//! [`AnalysisCache::CAPACITY`] analyses per process, the least recently used leaving first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use tanji_energy::analysis::{Analysis, AnalysisOptions, DayRange};
use tanji_tenancy::{Actor, FacilityId, OrganisationId, Permission};

use crate::energy::MeterCode;
use crate::{Store, StoreError};

/// A facility's analysis with what it was computed from.
#[derive(Debug)]
pub struct EnergyAnalysis {
    /// The days analysed.
    pub period: DayRange,
    /// Hourly roll-ups read.
    pub n_hourly_rollups: usize,
    /// Register resets and rollovers in the period that the roll-ups counted as zero consumption.
    pub n_negative_deltas: i64,
    /// Meters of the facility left out of the analysis (see `AnalysisInput::meters_left_out`).
    pub meters_left_out: Vec<MeterCode>,
    /// Whether the site has lines and at least one analysed meter has readings in the period.
    pub has_data: bool,
    /// The site data version the analysis was computed at.
    pub data_version: String,
    pub analysis: Analysis,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    organisation_id: OrganisationId,
    facility_id: FacilityId,
    period: (Date, Date),
    baseline: Option<(Date, Date)>,
    reporting: Option<(Date, Date)>,
    confidence_bits: u64,
}

impl Key {
    fn new(
        organisation_id: OrganisationId,
        facility_id: FacilityId,
        period: DayRange,
        options: &AnalysisOptions,
    ) -> Self {
        let pair = |range: DayRange| (range.first, range.last);
        Key {
            organisation_id,
            facility_id,
            period: pair(period),
            baseline: options.baseline.map(pair),
            reporting: options.reporting.map(pair),
            confidence_bits: options.confidence.to_bits(),
        }
    }
}

struct Entry {
    analysis: Arc<EnergyAnalysis>,
    last_used: u64,
}

/// The analyses a process keeps (one per store and its clones).
#[derive(Default)]
pub struct AnalysisCache {
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    entries: HashMap<Key, Entry>,
    uses: u64,
    n_hits: u64,
    n_misses: u64,
}

impl std::fmt::Debug for AnalysisCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("AnalysisCache").finish_non_exhaustive()
    }
}

impl AnalysisCache {
    /// Analyses kept per process. A year's analysis of a two-line site is a few megabytes.
    pub const CAPACITY: usize = 16;

    fn get(&self, key: &Key, data_version: &str) -> Option<Arc<EnergyAnalysis>> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.uses += 1;
        let uses = state.uses;
        let found = match state.entries.get_mut(key) {
            Some(entry) if entry.analysis.data_version == data_version => {
                entry.last_used = uses;
                Some(Arc::clone(&entry.analysis))
            }
            _ => None,
        };
        if found.is_some() {
            state.n_hits += 1;
        } else {
            state.n_misses += 1;
        }
        found
    }

    fn put(&self, key: Key, analysis: Arc<EnergyAnalysis>) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.uses += 1;
        let last_used = state.uses;
        state.entries.insert(key, Entry { analysis, last_used });
        while state.entries.len() > Self::CAPACITY {
            let oldest = state.entries.iter().min_by_key(|(_, entry)| entry.last_used).map(|(key, _)| key.clone());
            match oldest {
                Some(key) => state.entries.remove(&key),
                None => break,
            };
        }
    }

    /// Requests answered from the cache and requests computed, since the process started.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (state.n_hits, state.n_misses)
    }
}

impl Store {
    /// The analysis of a facility's stored data over `period` with `options`, from the cache when the site's data
    /// has not changed since it was computed (see the module documentation). `NotFound` for a facility without an
    /// energy site or of another organisation.
    pub async fn energy_analysis(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
        options: &AnalysisOptions,
    ) -> Result<Arc<EnergyAnalysis>, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let data_version = self.energy_data_version(actor.organisation_id, facility_id).await?;
        let key = Key::new(actor.organisation_id, facility_id, period, options);
        if let Some(analysis) = self.analysis_cache.get(&key, &data_version) {
            return Ok(analysis);
        }
        let input = self.energy_analysis_input(actor, facility_id, period).await?;
        let options = *options;
        // The analysis is seconds of computation: off the async workers, so that other requests go on meanwhile.
        let analysis = tokio::task::spawn_blocking(move || {
            let has_data = !input.site.lines.is_empty() && input.readings.values().any(|readings| !readings.is_empty());
            let analysis = tanji_energy::analyze_with_weather(
                &input.site,
                &input.readings,
                &input.production,
                input.weather.as_ref(),
                &options,
            );
            EnergyAnalysis {
                period: input.period,
                n_hourly_rollups: input.n_hourly_rollups,
                n_negative_deltas: input.n_negative_deltas,
                meters_left_out: input.meters_left_out,
                has_data,
                data_version,
                analysis,
            }
        })
        .await
        .map_err(|error| StoreError::from(anyhow::Error::from(error)))?;
        let analysis = Arc::new(analysis);
        self.analysis_cache.put(key, Arc::clone(&analysis));
        Ok(analysis)
    }

    /// How often [`Store::energy_analysis`] was answered from the cache and how often computed, in this process.
    pub fn energy_analysis_cache_hits_and_misses(&self) -> (u64, u64) {
        self.analysis_cache.hits_and_misses()
    }

    async fn energy_data_version(
        &self,
        organisation_id: OrganisationId,
        facility_id: FacilityId,
    ) -> Result<String, StoreError> {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT data_version FROM energy_sites WHERE facility_id = $1 AND organisation_id = $2")
                .bind(facility_id.to_string())
                .bind(organisation_id.to_string())
                .fetch_optional(&self.pools.reader)
                .await?;
        found.map(|(version,)| version).ok_or(StoreError::NotFound)
    }
}
