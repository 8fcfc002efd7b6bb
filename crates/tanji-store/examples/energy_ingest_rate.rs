//! How fast the embedded SQLite default ingests meter readings, and how much disk a million readings take: the
//! figures ARCHITECTURE.md quotes for "how many meters × years the embedded default holds".
//!
//! `cargo run -p tanji-store --example energy_ingest_rate -- [METERS] [READINGS_PER_METER] [BATCH]`
//! (defaults 20, 10000, 1000). It registers the meters, sends 15-minute readings of cumulative registers in
//! batches of BATCH through the same `ReadingStore::ingest` path as the API and MQTT, and prints the rate and the
//! database size (after a checkpoint of the write-ahead log) per million readings.

// A measuring tool whose output is its figures.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::Instant;

use tanji_store::energy::{MeterInput, NewMeter, NewReading, ReadingSource, ReadingStore};
use tanji_store::{NewMember, NewToken, Store, SystemClock};
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};
use tanji_tenancy::token::{TokenName, TokenScopes};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let arguments: Vec<usize> = std::env::args().skip(1).map(|text| text.parse()).collect::<Result<_, _>>()?;
    let n_meters = arguments.first().copied().unwrap_or(20);
    let n_per_meter = arguments.get(1).copied().unwrap_or(10_000);
    let batch_size = arguments.get(2).copied().unwrap_or(1_000);

    let directory = std::env::temp_dir().join(format!("tanji-ingest-rate-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&directory)?;
    let path = directory.join("tanji.sqlite");
    let store = Store::open(&format!("sqlite://{}?mode=rwc", path.display()), Arc::new(SystemClock)).await?;

    let profile = OrganisationProfile::parse("瑞禾纸杯厂", "CN", None)?;
    let organisation = store.operator_register_organisation(&profile, OrganisationKind::Supplier).await?;
    let member = NewMember {
        email: Email::parse("energy@ruihe.example")?,
        display_name: Some(DisplayName::parse("能源工程师")?),
        role: Role::Editor,
        initial_password: Some(Password::parse_new("correct horse battery staple")?),
    };
    let member = store.operator_add_member(organisation.id, &member).await?;
    let token =
        NewToken { name: TokenName::parse("bench")?, scopes: TokenScopes::parse("read write")?, expires_at: None };
    let (_, secret) = store.operator_create_token(organisation.id, member.user.id, &token).await?;
    let actor = store.token_actor(&secret).await?.expect("a fresh token acts");
    let details =
        FacilityDetails::parse(&FacilityInput { name: "杯厂", kind: "factory", ..FacilityInput::default() })?;
    let facility_id = store.create_facility(&actor, &details).await?.id.to_string();
    let codes: Vec<String> = (0..n_meters).map(|index| format!("M{index:04}")).collect();
    for code in &codes {
        let meter = NewMeter::parse(&MeterInput {
            facility_id: &facility_id,
            code,
            name: code,
            kind: "electricity",
            unit: "kWh",
            register_type: "cumulative",
            ..MeterInput::default()
        })
        .map_err(|errors| anyhow::anyhow!("{errors:?}"))?;
        store.register_meter(&actor, &meter).await?;
    }

    // Readings in time order across all meters, as a site gateway sends them.
    let start_second = 1_767_196_800_i64; // 2026-01-01T00:00:00+08:00
    let mut batch = Vec::with_capacity(batch_size);
    let mut n_stored = 0_usize;
    let started = Instant::now();
    for step in 0..n_per_meter {
        let time = jiff::Timestamp::from_second(start_second + i64::try_from(step)? * 900)?.to_string();
        for (meter_index, code) in codes.iter().enumerate() {
            let register = (step * (10 + meter_index % 7)) as f64 * 0.25;
            batch
                .push(NewReading::parse(code, &time, register, "bench").map_err(|error| anyhow::anyhow!("{error:?}"))?);
            if batch.len() == batch_size {
                n_stored += store.ingest(organisation.id, ReadingSource::Api, &batch).await?.n_accepted;
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        n_stored += store.ingest(organisation.id, ReadingSource::Api, &batch).await?.n_accepted;
    }
    let seconds = started.elapsed().as_secs_f64();
    store.close().await;
    // Fold the write-ahead log into the database file so the size is the data's.
    let mut size_bytes = std::fs::metadata(&path)?.len();
    for suffix in ["-wal", "-shm"] {
        if let Ok(metadata) = std::fs::metadata(format!("{}{suffix}", path.display())) {
            size_bytes += metadata.len();
        }
    }
    let per_million = size_bytes as f64 / n_stored as f64 * 1e6 / 1e6;
    println!(
        "{n_stored} readings ({n_meters} meters × {n_per_meter}, batches of {batch_size}) in {seconds:.1} s: \
         {rate:.0} readings/s; database {size_mb:.1} MB (with WAL), {per_million:.0} MB per million readings",
        rate = n_stored as f64 / seconds,
        size_mb = size_bytes as f64 / 1e6,
    );
    std::fs::remove_dir_all(&directory)?;
    Ok(())
}
