//! The latest readings of each meter, for the console's meter tree and live view: a few rows per meter, read
//! through the readings' primary key (meter, instant) newest first, never a scan of the series.

use std::collections::HashMap;

use jiff::Timestamp;
use tanji_tenancy::{Actor, Permission};

use crate::database::RowExt;
use crate::energy::MeterCode;
use crate::{Store, StoreError};

/// One stored reading: its instant and the value as sent (before the meter's multiplier).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecentReading {
    pub reading_at: Timestamp,
    pub value: f64,
}

impl Store {
    /// Up to `per_meter` latest readings of every meter of the actor's organisation, oldest first, by meter code.
    /// Meters without readings are absent.
    pub async fn recent_readings(
        &self,
        actor: &Actor,
        per_meter: usize,
    ) -> Result<HashMap<MeterCode, Vec<RecentReading>>, StoreError> {
        actor.require(Permission::ViewEnergy)?;
        let meters: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, code FROM energy_meters WHERE organisation_id = $1 AND n_readings > 0 ORDER BY code",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let limit = i64::try_from(per_meter).unwrap_or(i64::MAX);
        let mut recent = HashMap::with_capacity(meters.len());
        for (meter_id, code) in meters {
            let rows = sqlx::query(
                "SELECT reading_at, value FROM energy_readings WHERE meter_id = $1 ORDER BY reading_at DESC LIMIT $2",
            )
            .bind(&meter_id)
            .bind(limit)
            .fetch_all(&self.pools.reader)
            .await?;
            let mut readings = rows
                .iter()
                .map(|row| -> anyhow::Result<RecentReading> {
                    use sqlx::Row;
                    Ok(RecentReading { reading_at: row.time("reading_at")?, value: row.try_get::<f64, _>("value")? })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            readings.reverse();
            recent.insert(MeterCode::parse("code", &code)?, readings);
        }
        Ok(recent)
    }
}
