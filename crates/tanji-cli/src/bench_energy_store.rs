//! The database steps of `tanji bench energy`: the benchmark's readings loaded through the store (`ReadingStore::ingest`,
//! as the REST endpoint and a CSV import store them) into a fresh SQLite database, the dashboard questions answered
//! from the roll-ups, and MQTT readings per second through a real broker into the store with none lost or doubled.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use jiff::Timestamp;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use serde::Serialize;
use tanji_i18n::bench::BenchText;
use tanji_i18n::{Language, Localize as _};
use tanji_server::energy::live::ReadingHub;
use tanji_server::energy::mqtt::{self, MqttConfig, MqttStats};
use tanji_store::energy::{
    MAX_READINGS_PER_BATCH, MeterCode, MeterInput, NewMeter, NewReading, ReadingSource, ReadingStore, RollupGrain,
};
use tanji_store::{NewMember, Store, SystemClock};
use tanji_tenancy::Actor;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{Organisation, OrganisationKind, OrganisationProfile};

/// The figures of the database steps.
#[derive(Debug, Serialize)]
pub struct StoreReport {
    pub load_through_store_s: f64,
    pub n_readings_stored: i64,
    pub readings_per_s: f64,
    pub database_bytes: u64,
    pub daily_kwh_per_line_from_rollups_s: f64,
    /// The year's kWh of all lines from the daily roll-ups, and from the in-memory cleaning (they must agree).
    pub total_kwh_from_rollups: f64,
    pub last_reading_per_meter_from_store_s: f64,
    pub one_line_week_hourly_from_rollups_s: f64,
}

/// The figures of the MQTT step.
#[derive(Debug, Serialize)]
pub struct MqttReport {
    pub n_published: usize,
    pub n_stored: i64,
    pub n_duplicates: u64,
    pub seconds: f64,
    pub readings_per_s: f64,
}

/// A fresh store at `DIR/bench.sqlite` with one organisation, its owner and a factory; returns them.
async fn fresh_store(directory: &Path) -> anyhow::Result<(Store, Organisation, Actor, String)> {
    let file = directory.join("bench.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", file.display());
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error).with_context(|| format!("removing {path}")),
        }
    }
    let url = crate::commands::database_url(None, directory, "bench.sqlite")?;
    let store = Store::open(&url, Arc::new(SystemClock)).await?;
    let profile = OrganisationProfile::parse("基准工厂 Bench Factories", "CN", None)?;
    let organisation = store.operator_register_organisation(&profile, OrganisationKind::Supplier).await?;
    let email = "bench@bench.example";
    let member = NewMember {
        email: Email::parse(email)?,
        display_name: Some(DisplayName::parse("Bench")?),
        role: Role::Owner,
        initial_password: Some(Password::parse_new("bench-password-2026")?),
    };
    store.operator_add_member(organisation.id, &member).await?;
    let actor = store.operator_member_actor(&organisation, email).await?;
    let details = FacilityDetails::parse(&FacilityInput {
        name: "基准工厂",
        kind: "factory",
        subdivision: Some("CN-ZJ"),
        ..FacilityInput::default()
    })?;
    let facility = store.create_facility(&actor, &details).await?;
    Ok((store, organisation, actor, facility.id.to_string()))
}

async fn register_meter(store: &Store, actor: &Actor, facility_id: &str, code: &str) -> anyhow::Result<()> {
    let meter = NewMeter::parse(&MeterInput {
        facility_id,
        code,
        name: code,
        kind: "electricity",
        unit: "kWh",
        register_type: "cumulative",
        multiplier: Some(1.0),
        utc_offset_minutes: Some(480),
    })
    .map_err(|errors| anyhow!("meter {code}: {errors:?}"))?;
    store.register_meter(actor, &meter).await?;
    Ok(())
}

/// `2025-01-01 00:15` (local, +08:00) as RFC 3339.
fn rfc3339(local: &str) -> String {
    format!("{}T{}:00+08:00", &local[..10], &local[11..])
}

/// Loads `readings.csv` through the store and answers the dashboard questions from the roll-ups. `line_of_meter`
/// maps meter codes to line ids; `first_line` is the line whose first week is read by hour.
pub async fn store_steps(
    directory: &Path,
    readings_path: &Path,
    first_line: &str,
    days: u32,
    language: Language,
) -> anyhow::Result<(StoreReport, Store, Organisation, Actor, String)> {
    let (store, organisation, actor, facility_id) = fresh_store(directory).await?;
    // Register every meter of the file first (not timed: a site is set up once).
    let mut meters: Vec<String> = Vec::new();
    {
        let mut reader = csv::Reader::from_path(readings_path).context("opening readings.csv")?;
        let mut record = csv::StringRecord::new();
        let mut seen = std::collections::HashSet::new();
        while reader.read_record(&mut record).context("reading readings.csv")? {
            if seen.insert(record[0].to_owned()) {
                meters.push(record[0].to_owned());
            }
        }
    }
    for code in &meters {
        register_meter(&store, &actor, &facility_id, code).await?;
    }

    let started = Instant::now();
    let mut reader = csv::Reader::from_path(readings_path).context("opening readings.csv")?;
    let mut record = csv::StringRecord::new();
    let mut batch = Vec::with_capacity(MAX_READINGS_PER_BATCH);
    let mut row = 1;
    let mut n_accepted = 0;
    let source = readings_path.file_name().and_then(|name| name.to_str()).unwrap_or("readings.csv").to_owned();
    loop {
        let more = reader.read_record(&mut record).context("reading readings.csv")?;
        if more {
            row += 1;
            let refused = |detail: String| {
                anyhow!("{}", BenchText::StoreReadingRow { file: source.clone(), row, detail }.localize(language))
            };
            let value: f64 =
                record[2].parse().map_err(|error: std::num::ParseFloatError| refused(error.to_string()))?;
            let reading = NewReading::parse(&record[0], &rfc3339(&record[1]), value, &format!("{source}:{row}"))
                .map_err(|error| {
                    refused(format!("{}: {}", error.field.api_name(), error.problem.localize(language)))
                })?;
            batch.push(reading);
        }
        if batch.len() == MAX_READINGS_PER_BATCH || (!more && !batch.is_empty()) {
            let outcome = store
                .ingest(organisation.id, ReadingSource::Csv, &batch)
                .await
                .map_err(|error| anyhow!("storing readings up to row {row}: {error}"))?;
            n_accepted += outcome.n_accepted;
            batch.clear();
        }
        if !more {
            break;
        }
    }
    let load_through_store_s = started.elapsed().as_secs_f64();
    let database_bytes = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", directory.join("bench.sqlite").display())).ok())
        .map(|metadata| metadata.len())
        .sum();

    let (from, to) = (
        "2024-12-31T16:00:00Z".parse::<Timestamp>()?,
        "2025-01-01T00:00:00+08:00".parse::<Timestamp>()? + jiff::SignedDuration::from_hours(24 * i64::from(days) + 24),
    );
    // Daily kWh per line, from the daily roll-ups.
    let started = Instant::now();
    let mut daily: HashMap<String, HashMap<Timestamp, f64>> = HashMap::new();
    for code in &meters {
        let line = code.rsplit_once('-').map_or(code.as_str(), |(line, _)| line);
        let rollups =
            store.meter_rollups(&actor, &MeterCode::parse("meter", code)?, RollupGrain::Day, from, to).await?;
        let days = daily.entry(line.to_owned()).or_default();
        for rollup in rollups {
            *days.entry(rollup.bucket_start).or_default() += rollup.consumption;
        }
    }
    let daily_kwh_per_line_from_rollups_s = started.elapsed().as_secs_f64();
    let total_kwh_from_rollups = daily.values().flat_map(|days| days.values()).sum();

    // The last reading of every meter.
    let started = Instant::now();
    let listed = store.list_meters(&actor).await?;
    let last_reading_per_meter_from_store_s = started.elapsed().as_secs_f64();
    let n_readings_stored: i64 = listed.iter().map(|meter| meter.n_readings).sum();
    if listed.iter().any(|meter| meter.last_reading_at.is_none()) {
        bail!("{}", BenchText::StoreMeterWithoutLastReading.localize(language));
    }

    // One line's first week by hour.
    let started = Instant::now();
    let week_end = from + jiff::SignedDuration::from_hours(7 * 24);
    let mut week: HashMap<Timestamp, f64> = HashMap::new();
    for code in meters.iter().filter(|code| code.starts_with(&format!("{first_line}-"))) {
        let rollups =
            store.meter_rollups(&actor, &MeterCode::parse("meter", code)?, RollupGrain::Hour, from, week_end).await?;
        for rollup in rollups {
            *week.entry(rollup.bucket_start).or_default() += rollup.consumption;
        }
    }
    let one_line_week_hourly_from_rollups_s = started.elapsed().as_secs_f64();
    if week.is_empty() {
        bail!("{}", BenchText::StoreWeekWithoutData.localize(language));
    }
    if usize::try_from(n_readings_stored)? != n_accepted {
        bail!("{}", BenchText::StoreCountMismatch { n_accepted, n_stored: n_readings_stored }.localize(language));
    }
    let report = StoreReport {
        load_through_store_s,
        n_readings_stored,
        readings_per_s: n_readings_stored as f64 / load_through_store_s,
        database_bytes,
        daily_kwh_per_line_from_rollups_s,
        total_kwh_from_rollups,
        last_reading_per_meter_from_store_s,
        one_line_week_hourly_from_rollups_s,
    };
    Ok((report, store, organisation, actor, facility_id))
}

/// Publishes `n_readings` readings (one per message, QoS 1, round-robin over ten meters of their own) to the broker
/// at `url` while the server's MQTT subscriber stores them; the time runs from the first publish to the last reading
/// stored. Fails unless every reading is stored exactly once.
pub async fn mqtt_step(
    store: &Store,
    organisation: &Organisation,
    actor: &Actor,
    facility_id: &str,
    url: &str,
    n_readings: usize,
    language: Language,
) -> anyhow::Result<MqttReport> {
    const N_METERS: usize = 10;
    let codes: Vec<String> = (1..=N_METERS).map(|meter_idx| format!("MQTT-M{meter_idx:02}")).collect();
    for code in codes.iter().chain([&"MQTT-PROBE".to_owned()]) {
        register_meter(store, actor, facility_id, code).await?;
    }
    // A topic prefix and client id of this run only, so that a broker's retained session of another run delivers
    // nothing here.
    let run = format!("{}-{}", std::process::id(), Timestamp::now().as_millisecond());
    let prefix = format!("tanji-bench-{run}");
    let config = MqttConfig { url: url.to_owned(), client_id: format!("tanji-bench-sub-{run}"), topic_prefix: prefix };
    config.check()?;
    let stats = Arc::new(MqttStats::default());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let subscriber = mqtt::spawn(store.clone(), config.clone(), Arc::clone(&stats), ReadingHub::new(), stopped);

    let address = url.trim_start_matches("mqtt://").trim_end_matches('/');
    let (host, port) =
        address.rsplit_once(':').map_or((address, 1883), |(host, port)| (host, port.parse().unwrap_or(1883)));
    let mut options = MqttOptions::new(format!("tanji-bench-pub-{run}"), host, port);
    options.set_keep_alive(Duration::from_secs(30)).set_inflight(1000);
    let (client, mut event_loop) = AsyncClient::new(options, 10_000);
    let publisher_loop = tokio::spawn(async move {
        loop {
            if let Err(error) = event_loop.poll().await {
                tracing::warn!(%error, "bench publisher connection");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    });
    let topic = |code: &str| format!("{}/{}/meters/{code}", config.topic_prefix, organisation.id);
    let start: Timestamp = "2027-01-01T00:00:00+08:00".parse()?;

    // Wait until the subscription delivers (a probe reading each 200 ms until one is stored): messages published
    // before the subscriber's session exists would not be kept for it.
    let probe_deadline = Instant::now() + Duration::from_secs(30);
    let mut n_probes = 0u64;
    while stats.stored.load(Ordering::Relaxed) == 0 {
        if Instant::now() > probe_deadline {
            bail!("{}", BenchText::MqttNoProbe { url: url.to_owned() }.localize(language));
        }
        let at = start + jiff::SignedDuration::from_secs(n_probes as i64);
        let payload = format!(r#"{{"ts": "{at}", "value": {n_probes}}}"#);
        client.publish(topic("MQTT-PROBE"), QoS::AtLeastOnce, false, payload).await?;
        n_probes += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let late probes land before counting.
    let probes_done = Instant::now() + Duration::from_secs(2);
    while stats.stored.load(Ordering::Relaxed) + stats.duplicates.load(Ordering::Relaxed) < n_probes
        && Instant::now() < probes_done
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stored_before = stats.stored.load(Ordering::Relaxed);

    // Sustained, not a burst: at most MAX_AHEAD readings published and not yet stored. Mosquitto queues at most
    // `max_queued_messages` (1,000 by default) QoS 1 messages per client beyond those in flight and drops the rest,
    // so a burst larger than that measures the broker's queue, not the ingestion.
    const MAX_AHEAD: u64 = 500;
    let started = Instant::now();
    for reading_idx in 0..n_readings {
        while reading_idx as u64 >= stats.stored.load(Ordering::Relaxed) - stored_before + MAX_AHEAD {
            if started.elapsed() > Duration::from_secs(60 + n_readings as u64 / 200) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let meter = &codes[reading_idx % N_METERS];
        let step = (reading_idx / N_METERS) as i64;
        let at = start + jiff::SignedDuration::from_mins(15 * step);
        let payload = format!(r#"{{"ts": "{at}", "value": {}}}"#, 1000 + step);
        client.publish(topic(meter), QoS::AtLeastOnce, false, payload).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(60 + n_readings as u64 / 200);
    while stats.stored.load(Ordering::Relaxed) < stored_before + n_readings as u64 {
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let _ = stop.send(true);
    let _ = subscriber.await;
    publisher_loop.abort();
    let _ = client.disconnect().await;

    let mut n_stored = 0;
    for code in &codes {
        n_stored += store.count_readings(organisation.id, &MeterCode::parse("meter", code)?).await?;
    }
    let n_duplicates = stats.duplicates.load(Ordering::Relaxed);
    if usize::try_from(n_stored)? != n_readings {
        let refusal = BenchText::MqttLostOrDoubled {
            n_published: n_readings,
            n_stored,
            n_messages: stats.messages.load(Ordering::Relaxed),
            n_stored_by_subscriber: stats.stored.load(Ordering::Relaxed),
            n_stored_before: stored_before,
            n_duplicates,
            n_conflicts: stats.conflicts.load(Ordering::Relaxed),
            n_bad: stats.bad.load(Ordering::Relaxed),
            n_probes,
            seconds,
        };
        bail!("{}", refusal.localize(language));
    }
    Ok(MqttReport {
        n_published: n_readings,
        n_stored,
        n_duplicates,
        seconds,
        readings_per_s: n_readings as f64 / seconds,
    })
}
