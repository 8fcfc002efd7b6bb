//! A facility's outdoor weather in the store: the station and source of its daily mean temperatures, the degree-day
//! base temperatures, and one mean temperature per local day (migration 0012). `energy_analysis_input` hands them to
//! the analysis, which turns them into heating and cooling degree-days for the baselines.
//!
//! Every method takes the [`Actor`] and checks `ViewEnergy` (reads) or `EditEnergy` (changes); another tenant's
//! facility reads as not found. A save is one transaction with its audit entry: the whole batch or nothing.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::Row as _;
use sqlx::{Any, Transaction};
use tanji_energy::analysis::DayRange;
use tanji_energy::weather::{DegreeDayBases, Weather, WeatherDay};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{Actor, FacilityId, FieldError, Permission};

use crate::database::{RowExt, time_to_db};
use crate::energy_site::{record_change, require_site};
use crate::{Store, StoreError};

/// What saving a site's weather did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WeatherOutcome {
    /// Days not stored before.
    pub n_new: usize,
    /// Days stored before with another temperature, now replaced.
    pub n_changed: usize,
    /// Days stored before with the same temperature.
    pub n_same: usize,
}

/// Checks a weather batch: station and source named, bases and temperatures plausible, one row per day.
pub fn check_weather(weather: &Weather) -> Result<(), FieldError> {
    single_line_text("station", &weather.station, 200)?;
    single_line_text("source", &weather.source, 500)?;
    if let Some(station) = &weather.station_zh {
        single_line_text("station_zh", station, 200)?;
    }
    if let Some(source) = &weather.source_zh {
        single_line_text("source_zh", source, 500)?;
    }
    for (field, base) in
        [("heating_base_c", weather.bases.heating_base_c), ("cooling_base_c", weather.bases.cooling_base_c)]
    {
        if !(-30.0..=40.0).contains(&base) {
            return Err(FieldError::new(field, Problem::OutOfRange { min: "-30", max: "40" }));
        }
    }
    let mut seen = std::collections::HashSet::with_capacity(weather.days.len());
    for day in &weather.days {
        let (low, high) = tanji_energy::file::TEMPERATURE_RANGE_C;
        if !(low..=high).contains(&day.mean_temperature_c) {
            return Err(FieldError::new("mean_temperature_c", Problem::OutOfRange { min: "-90", max: "60" }));
        }
        if !seen.insert(day.day) {
            return Err(FieldError::new("day", Problem::Malformed { expected: "one mean temperature per day" }));
        }
    }
    Ok(())
}

impl Store {
    /// Stores a site's weather: the station, source and bases replace the ones stored, and each day is added, or
    /// replaced when its temperature differs (a corrected value from the source). One transaction, audited.
    pub async fn save_energy_weather(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        weather: &Weather,
        source_reference: &str,
    ) -> Result<WeatherOutcome, StoreError> {
        actor.require(Permission::EditEnergy)?;
        check_weather(weather)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        require_site(&mut transaction, actor.organisation_id, facility_id).await?;
        let outcome = save_weather_in(&mut transaction, actor, now, facility_id, weather, source_reference).await?;
        transaction.commit().await?;
        Ok(outcome)
    }

    /// A site's weather over `period` (local days, inclusive), or `None` when the site records no weather station.
    pub async fn energy_weather(
        &self,
        actor: &Actor,
        facility_id: FacilityId,
        period: DayRange,
    ) -> Result<Option<Weather>, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let Some(source) = sqlx::query(
            "SELECT station, source, station_zh, source_zh, heating_base_c, cooling_base_c FROM energy_weather_sources \
             WHERE facility_id = $1 AND organisation_id = $2",
        )
        .bind(facility_id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT day, mean_temperature_c FROM energy_weather_days WHERE facility_id = $1 AND organisation_id = $2 \
             AND day >= $3 AND day <= $4 ORDER BY day",
        )
        .bind(facility_id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(period.first.to_string())
        .bind(period.last.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let days = rows
            .iter()
            .map(|row| {
                let day: Date = row.text("day")?.parse()?;
                Ok(WeatherDay { day, mean_temperature_c: row.try_get::<f64, _>("mean_temperature_c")? })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Some(Weather {
            station: source.text("station")?,
            source: source.text("source")?,
            station_zh: source.optional_text("station_zh")?,
            source_zh: source.optional_text("source_zh")?,
            bases: DegreeDayBases {
                heating_base_c: source.try_get::<f64, _>("heating_base_c")?,
                cooling_base_c: source.try_get::<f64, _>("cooling_base_c")?,
            },
            days,
        }))
    }
}

/// Saves the weather inside a transaction that has checked the site: the station, source and bases, each new or
/// changed day, and the audit entry.
pub(crate) async fn save_weather_in(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: Timestamp,
    facility_id: FacilityId,
    weather: &Weather,
    source_reference: &str,
) -> Result<WeatherOutcome, StoreError> {
    // The cached analyses read the weather: a new data version makes them stale (energy_analysis.rs).
    crate::energy_site::bump_data_version(transaction, facility_id).await?;
    let facility = facility_id.to_string();
    let organisation = actor.organisation_id.to_string();
    sqlx::query(
        "INSERT INTO energy_weather_sources (facility_id, organisation_id, station, source, heating_base_c, \
         cooling_base_c, updated_at, updated_by, station_zh, source_zh) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (facility_id) DO UPDATE SET station = excluded.station, source = excluded.source, \
         station_zh = excluded.station_zh, source_zh = excluded.source_zh, \
         heating_base_c = excluded.heating_base_c, cooling_base_c = excluded.cooling_base_c, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(&facility)
    .bind(&organisation)
    .bind(weather.station.trim())
    .bind(weather.source.trim())
    .bind(weather.bases.heating_base_c)
    .bind(weather.bases.cooling_base_c)
    .bind(time_to_db(now))
    .bind(actor.user_id.to_string())
    .bind(weather.station_zh.as_deref().map(str::trim))
    .bind(weather.source_zh.as_deref().map(str::trim))
    .execute(&mut **transaction)
    .await?;
    let stored: HashMap<String, f64> =
        sqlx::query("SELECT day, mean_temperature_c FROM energy_weather_days WHERE facility_id = $1")
            .bind(&facility)
            .fetch_all(&mut **transaction)
            .await?
            .iter()
            .map(|row| Ok((row.text("day")?, row.try_get::<f64, _>("mean_temperature_c")?)))
            .collect::<anyhow::Result<_>>()?;
    let mut outcome = WeatherOutcome::default();
    for day in &weather.days {
        let key = day.day.to_string();
        match stored.get(&key) {
            Some(temperature) if *temperature == day.mean_temperature_c => {
                outcome.n_same += 1;
                continue;
            }
            Some(_) => outcome.n_changed += 1,
            None => outcome.n_new += 1,
        }
        sqlx::query(
            "INSERT INTO energy_weather_days (facility_id, organisation_id, day, mean_temperature_c, \
             source_reference) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (facility_id, day) DO UPDATE SET \
             mean_temperature_c = excluded.mean_temperature_c, source_reference = excluded.source_reference",
        )
        .bind(&facility)
        .bind(&organisation)
        .bind(&key)
        .bind(day.mean_temperature_c)
        .bind(source_reference)
        .execute(&mut **transaction)
        .await?;
    }
    let changes = vec![
        ("weather_station", weather.station.clone()),
        ("weather_source", weather.source.clone()),
        ("degree_day_bases", format!("{} °C / {} °C", weather.bases.heating_base_c, weather.bases.cooling_base_c)),
        ("weather_days", format!("{} new, {} changed", outcome.n_new, outcome.n_changed)),
    ];
    record_change(transaction, actor, now, AuditAction::EnergySiteChanged, &facility, &weather.station, changes)
        .await?;
    Ok(outcome)
}
