//! `/console/energy/live`: every meter's latest reading and a sparkline of its recent consumption, updated without
//! a page reload by server-sent events from `/console/energy/live/stream`. The stream subscribes to the
//! [`ReadingHub`](crate::energy::live::ReadingHub) for the viewer's organisation only: other organisations'
//! readings are dropped before anything is written to the response.

use std::convert::Infallible;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tanji_i18n::energy::console::EnergyText;
use tanji_store::energy::RegisterType;
use tanji_store::energy_recent::RecentReading;
use tanji_tenancy::Permission;

use super::meters::{kind_label, local_time};
use super::{Tab, TabLink, energy_frame, tabs};
use crate::assets;
use crate::console::error_page::ErrorPage;
use crate::console::frame::{Frame, render};
use crate::energy::live::LiveEvent;
use crate::state::AppState;
use crate::web_context::Console;

/// Readings kept per meter for the sparkline (the page keeps the same number as new ones arrive).
pub const SPARKLINE_READINGS: usize = 30;
/// The sparkline's drawing box.
const SPARKLINE_WIDTH: f64 = 120.0;
const SPARKLINE_HEIGHT: f64 = 28.0;

/// Consumption per reading, in the meter's unit after its multiplier: an interval reading is its own consumption;
/// a cumulative register's is the difference from the reading before (a drop, a reset or rollover, counts as zero,
/// as in the store's roll-ups), so the first reading of a register has none.
pub fn consumption_series(register_type: RegisterType, multiplier: f64, readings: &[RecentReading]) -> Vec<f64> {
    match register_type {
        RegisterType::Interval => readings.iter().map(|reading| reading.value * multiplier).collect(),
        RegisterType::Cumulative => {
            readings.windows(2).map(|pair| ((pair[1].value - pair[0].value) * multiplier).max(0.0)).collect()
        }
    }
}

/// The SVG polyline points of a sparkline of `values` in a 120 × 28 box (the lowest value at the bottom, the
/// highest at the top; a flat series is drawn at mid-height).
pub fn sparkline_points(values: &[f64]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let step = if values.len() > 1 { SPARKLINE_WIDTH / (values.len() - 1) as f64 } else { 0.0 };
    values
        .iter()
        .enumerate()
        .map(|(value_idx, value)| {
            let y = if high > low {
                SPARKLINE_HEIGHT - (value - low) / (high - low) * (SPARKLINE_HEIGHT - 2.0) - 1.0
            } else {
                SPARKLINE_HEIGHT / 2.0
            };
            format!("{:.1},{:.1}", value_idx as f64 * step, y)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A meter on the live page.
#[derive(Debug)]
pub struct LiveMeter {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub unit: String,
    pub register_type: &'static str,
    pub multiplier: f64,
    pub utc_offset_minutes: i32,
    pub latest_value: String,
    /// The latest reading's value as sent (for the page's cumulative deltas), empty without one.
    pub latest_raw: String,
    pub latest_at: String,
    /// RFC 3339, for the page to ignore readings no newer than this.
    pub latest_ts: String,
    pub n_readings: i64,
    /// Consumption values as JSON, the sparkline's data.
    pub values_json: String,
    pub points: String,
}

#[derive(Template)]
#[template(path = "energy_live.html")]
struct LivePage {
    frame: Frame,
    et: &'static EnergyText,
    tabs: Vec<TabLink>,
    meters: Vec<LiveMeter>,
    script_url: String,
}

/// `GET /console/energy/live`.
pub async fn show(State(state): State<AppState>, console: Console) -> Response {
    let et = EnergyText::of(console.text().language);
    let (frame, et) = match energy_frame(&console, et.live_title) {
        Ok(frame) => frame,
        Err(page) => return page.into_response(),
    };
    let store = state.store();
    let (meters, mut recent) = match tokio::try_join!(
        store.list_meters(console.actor()),
        store.recent_readings(console.actor(), SPARKLINE_READINGS + 1)
    ) {
        Ok(found) => found,
        Err(error) => return ErrorPage::from_store(&console.web, error).into_response(),
    };
    let meters = meters
        .into_iter()
        .map(|meter| {
            let readings = recent.remove(&meter.code).unwrap_or_default();
            let mut values = consumption_series(meter.register_type, meter.multiplier, &readings);
            if values.len() > SPARKLINE_READINGS {
                values.drain(..values.len() - SPARKLINE_READINGS);
            }
            let latest = readings.last();
            LiveMeter {
                code: meter.code.as_str().to_owned(),
                name: meter.name.clone(),
                kind: kind_label(et, meter.kind),
                unit: meter.unit.clone(),
                register_type: meter.register_type.as_str(),
                multiplier: meter.multiplier,
                utc_offset_minutes: meter.utc_offset_minutes,
                latest_value: latest
                    .map_or_else(|| et.never.to_owned(), |reading| tanji_i18n::inventory::figure(reading.value, 10)),
                latest_raw: latest.map(|reading| reading.value.to_string()).unwrap_or_default(),
                latest_at: latest
                    .map(|reading| local_time(reading.reading_at, meter.utc_offset_minutes))
                    .unwrap_or_default(),
                latest_ts: latest.map(|reading| reading.reading_at.to_string()).unwrap_or_default(),
                n_readings: meter.n_readings,
                values_json: serde_json::to_string(&values).unwrap_or_else(|_| "[]".to_owned()),
                points: sparkline_points(&values),
            }
        })
        .collect();
    render(
        StatusCode::OK,
        &LivePage { frame, et, tabs: tabs(et, None, Tab::Live), meters, script_url: assets::url("energy-live.js") },
    )
}

/// `GET /console/energy/live/stream`: server-sent events, one `readings` event per stored batch of the viewer's
/// organisation (JSON: `[{meter, ts, value, source}]`), `skipped` when the page fell behind.
///
/// The stream ends when its session no longer holds: it looks the session up again every
/// [`SESSION_RECHECK`](crate::energy::live::SESSION_RECHECK) and, when that much time has passed since, before
/// sending a batch. Logged out, expired, removed from the organisation, switched to another one, or without
/// `ViewEnergy`: the stream ends, and the page's reconnection meets the login page.
pub async fn stream(State(state): State<AppState>, console: Console) -> Response {
    if !console.actor().may(Permission::ViewEnergy) {
        return ErrorPage::forbidden(&console.web).into_response();
    }
    let Some(secret) = console.web.session_secret.clone() else {
        return ErrorPage::forbidden(&console.web).into_response();
    };
    let organisation_id = console.actor().organisation_id;
    let every = state.config().live_session_recheck.unwrap_or(crate::energy::live::SESSION_RECHECK);
    let watch = SessionWatch {
        store: state.store().clone(),
        secret,
        organisation_id,
        every,
        next_check: tokio::time::Instant::now() + every,
    };
    let subscription = state.reading_hub().subscribe(organisation_id);
    let events = futures_util::stream::unfold((subscription, watch), |(mut subscription, mut watch)| async move {
        loop {
            let event = tokio::select! {
                () = tokio::time::sleep_until(watch.next_check) => None,
                event = subscription.next() => Some(event?),
            };
            if (event.is_none() || tokio::time::Instant::now() >= watch.next_check) && !watch.still_holds().await {
                return None;
            }
            let Some(event) = event else { continue };
            let event = match event {
                LiveEvent::Readings(batch) => Event::default()
                    .event("readings")
                    .data(serde_json::to_string(&batch.readings).unwrap_or_else(|_| "[]".to_owned())),
                LiveEvent::Skipped(n_skipped) => Event::default().event("skipped").data(n_skipped.to_string()),
            };
            return Some((Ok::<Event, Infallible>(event), (subscription, watch)));
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// What a stream needs to look its session up again.
struct SessionWatch {
    store: tanji_store::Store,
    secret: String,
    organisation_id: tanji_tenancy::OrganisationId,
    every: std::time::Duration,
    next_check: tokio::time::Instant,
}

impl SessionWatch {
    /// Whether the session still exists, has not expired, acts for the same organisation and may view energy data
    /// (a lookup that fails ends the stream too: the page reconnects).
    async fn still_holds(&mut self) -> bool {
        self.next_check = tokio::time::Instant::now() + self.every;
        match self.store.session(&self.secret).await {
            Ok(Some(session)) => {
                session.actor.organisation_id == self.organisation_id && session.actor.may(Permission::ViewEnergy)
            }
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(%error, "looking up the session of a live-readings stream; ending it");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings(values: &[f64]) -> Vec<RecentReading> {
        values
            .iter()
            .enumerate()
            .map(|(index, value)| RecentReading {
                reading_at: jiff::Timestamp::from_second(1_700_000_000 + 900 * index as i64).unwrap(),
                value: *value,
            })
            .collect()
    }

    #[test]
    fn interval_readings_are_their_own_consumption_times_the_multiplier() {
        assert_eq!(consumption_series(RegisterType::Interval, 40.0, &readings(&[1.0, 2.5])), [40.0, 100.0]);
    }

    #[test]
    fn a_register_gives_differences_and_a_reset_counts_as_zero() {
        assert_eq!(
            consumption_series(RegisterType::Cumulative, 2.0, &readings(&[100.0, 101.0, 103.5, 3.0, 4.0])),
            [2.0, 5.0, 0.0, 2.0]
        );
        assert!(consumption_series(RegisterType::Cumulative, 1.0, &readings(&[100.0])).is_empty());
    }

    #[test]
    fn the_sparkline_spans_the_box_from_lowest_to_highest() {
        assert_eq!(sparkline_points(&[0.0, 5.0, 10.0]), "0.0,27.0 60.0,14.0 120.0,1.0");
        assert_eq!(sparkline_points(&[3.0, 3.0]), "0.0,14.0 120.0,14.0");
        assert_eq!(sparkline_points(&[]), "");
    }
}
