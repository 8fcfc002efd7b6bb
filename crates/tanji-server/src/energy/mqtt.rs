//! Live meter readings from an MQTT broker: `tanji serve --mqtt mqtt://HOST:PORT`.
//!
//! Topic layout: `{prefix}/{organisation-id}/meters/{meter-code}` (prefix `tanji` unless `--mqtt-topic-prefix`
//! says otherwise), payload `{"ts": "2026-03-02T08:15:00+08:00", "value": 1523.75}` or an array of such objects.
//! docs/energy-ingestion.md is the user's guide.
//!
//! Nothing acknowledged is lost, and nothing is stored twice:
//! - The subscription is QoS 1 in a persistent session (`clean_session = false`, a fixed client id), so the broker
//!   keeps every message until this subscriber acknowledges it, across disconnections and restarts.
//! - Acknowledgement is manual and happens only after the transaction that stores the reading has committed. A
//!   server killed between the commit and the PUBACK gets the message again after the restart; the store's
//!   idempotency (one reading per meter and instant) turns the redelivery into a counted duplicate.
//! - A message whose PUBACK was not sent before a reconnect is not acknowledged on the new connection (its packet
//!   id may by then name another message); the broker redelivers it and it is stored once.
//!
//! A message that can never be stored — a topic outside the layout, an unknown organisation or meter, a payload that
//! is not a reading — is logged (topic and problem, never the payload, which is the sender's data), counted, and
//! acknowledged, so it does not block the session. Database failures are not the message's fault: the batch is
//! retried with back-off and acknowledged only once stored.
//!
//! Trust: the topic names the organisation. Whoever may publish to `tanji/{organisation-id}/…` on the broker may
//! send readings for that organisation, so the broker's ACLs are the authentication for this path.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use serde::Deserialize;
use tanji_store::Store;
use tanji_store::energy::{IngestError, NewReading, ReadingSource, ReadingStore};
use tanji_tenancy::OrganisationId;
use tokio::sync::{mpsc, watch};

use crate::energy::live::ReadingHub;

/// The first wait before reconnecting, doubled after each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The most messages stored in one transaction.
const MAX_MESSAGES_PER_BATCH: usize = 500;

/// Where and how to subscribe.
#[derive(Clone, Debug)]
pub struct MqttConfig {
    /// `mqtt://HOST:PORT` (port 1883 when absent).
    pub url: String,
    /// The client id. Fixed across restarts: the broker keeps the session (and unacknowledged messages) by it.
    pub client_id: String,
    /// The first level of every topic.
    pub topic_prefix: String,
}

impl MqttConfig {
    /// The default client id and topic prefix.
    pub const DEFAULT_CLIENT_ID: &'static str = "tanji-server";
    pub const DEFAULT_TOPIC_PREFIX: &'static str = "tanji";

    /// The subscription filter: every meter of every organisation under the prefix.
    pub fn topic_filter(&self) -> String {
        format!("{}/+/meters/+", self.topic_prefix)
    }

    /// Checks the URL, so that `tanji serve` refuses a wrong one at start rather than retrying it forever.
    pub fn check(&self) -> anyhow::Result<()> {
        self.options().map(|_| ())
    }

    fn options(&self) -> anyhow::Result<MqttOptions> {
        let Some(address) = self.url.strip_prefix("mqtt://") else {
            bail!(
                "unsupported MQTT URL {:?}\nhint: use mqtt://HOST:PORT, e.g. mqtt://127.0.0.1:1883 (TLS brokers: \
                 bridge them to a local listener; see docs/energy-ingestion.md)",
                self.url
            );
        };
        let address = address.trim_end_matches('/');
        if address.contains('@') {
            bail!(
                "MQTT URL with credentials is not supported\nhint: give mqtt://HOST:PORT and restrict the broker by ACL"
            );
        }
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => {
                (host, port.parse::<u16>().with_context(|| format!("MQTT port {port:?} is not a number"))?)
            }
            None => (address, 1883),
        };
        if host.is_empty() {
            bail!("MQTT URL {:?} has no host\nhint: use mqtt://HOST:PORT", self.url);
        }
        let mut options = MqttOptions::new(self.client_id.clone(), host, port);
        options.set_clean_session(false).set_manual_acks(true).set_keep_alive(Duration::from_secs(30));
        Ok(options)
    }
}

/// Counters of what the subscriber did since it started.
#[derive(Debug, Default)]
pub struct MqttStats {
    /// Messages received (redeliveries included).
    pub messages: AtomicU64,
    /// Readings stored.
    pub stored: AtomicU64,
    /// Readings already stored with the same value.
    pub duplicates: AtomicU64,
    /// Readings already stored with another value (kept as stored).
    pub conflicts: AtomicU64,
    /// Messages or readings that could never be stored: bad topic, payload, organisation or meter.
    pub bad: AtomicU64,
    /// Failed attempts to store a batch (retried).
    pub store_failures: AtomicU64,
    /// Connections made to the broker (1 + reconnections).
    pub connections: AtomicU64,
}

/// One reading of a payload.
#[derive(Deserialize)]
struct Payload {
    ts: String,
    value: f64,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Payloads {
    One(Payload),
    Many(Vec<Payload>),
}

/// Why a message cannot be stored; logged with the topic.
#[derive(Debug, thiserror::Error)]
enum BadMessage {
    #[error("the topic is not {{prefix}}/{{organisation-id}}/meters/{{meter-code}}")]
    Topic,
    #[error("no organisation has this id")]
    UnknownOrganisation,
    #[error("the payload is not {{\"ts\": RFC 3339, \"value\": number}} or an array of them: {0}")]
    Payload(String),
    #[error("reading {index}: {error}")]
    Reading { index: usize, error: String },
}

/// A wrong reading as the log says it (in English, for operators): "ts: “x” is not a time".
fn log_text(error: &tanji_store::energy::ReadingError) -> String {
    use tanji_i18n::Localize;
    format!("{}: {}", error.field.api_name(), error.problem.english())
}

/// A message received, tagged with the connection it came on.
struct Received {
    publish: Publish,
    connection: u64,
}

/// Parses a message into its organisation and readings.
fn parse_message(prefix: &str, publish: &Publish) -> Result<(OrganisationId, Vec<NewReading>), BadMessage> {
    let mut levels = publish.topic.split('/');
    let (Some(first), Some(organisation), Some("meters"), Some(meter), None) =
        (levels.next(), levels.next(), levels.next(), levels.next(), levels.next())
    else {
        return Err(BadMessage::Topic);
    };
    if first != prefix {
        return Err(BadMessage::Topic);
    }
    let organisation_id = organisation.parse::<OrganisationId>().map_err(|_| BadMessage::Topic)?;
    let payloads = match serde_json::from_slice::<Payloads>(&publish.payload) {
        Ok(Payloads::One(payload)) => vec![payload],
        Ok(Payloads::Many(payloads)) => payloads,
        // The serde message names the position and expectation, not the data.
        Err(error) => return Err(BadMessage::Payload(error.to_string())),
    };
    let source_reference = format!("mqtt:{}", publish.topic);
    let readings = payloads
        .iter()
        .enumerate()
        .map(|(index, payload)| {
            NewReading::parse(meter, &payload.ts, payload.value, &source_reference)
                .map_err(|error| BadMessage::Reading { index, error: log_text(&error) })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((organisation_id, readings))
}

/// Subscribes and stores readings until `shutdown` turns true. Returns an error only for a configuration that can
/// never work (a malformed URL); a broker that is down is retried with back-off.
pub async fn run(
    store: Store,
    config: MqttConfig,
    stats: Arc<MqttStats>,
    hub: ReadingHub,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let options = config.options()?;
    // Capacity of the client's request channel: the acknowledgements of a whole batch fit without waiting.
    let (client, mut event_loop) = AsyncClient::new(options, MAX_MESSAGES_PER_BATCH * 2);
    let (sender, receiver) = mpsc::channel::<Received>(MAX_MESSAGES_PER_BATCH * 2);
    let connection = Arc::new(AtomicU64::new(0));

    let worker = tokio::spawn(store_messages(
        Destination { store, hub },
        client.clone(),
        config.topic_prefix.clone(),
        receiver,
        Arc::clone(&connection),
        Arc::clone(&stats),
        shutdown.clone(),
    ));

    let filter = config.topic_filter();
    let mut backoff = FIRST_BACKOFF;
    loop {
        let event = tokio::select! {
            event = event_loop.poll() => event,
            _ = wait_for(&mut shutdown) => break,
        };
        match event {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                let number = connection.fetch_add(1, Ordering::SeqCst) + 1;
                stats.connections.fetch_add(1, Ordering::Relaxed);
                backoff = FIRST_BACKOFF;
                tracing::info!(broker = %config.url, client_id = %config.client_id, session_present = ack.session_present,
                    connection = number, "connected to the MQTT broker");
                // Subscribing again on a kept session is harmless, and needed when the broker lost it.
                if let Err(error) = client.subscribe(filter.clone(), QoS::AtLeastOnce).await {
                    tracing::error!(%error, "subscribing to {filter}");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                stats.messages.fetch_add(1, Ordering::Relaxed);
                let received = Received { publish, connection: connection.load(Ordering::SeqCst) };
                if sender.send(received).await.is_err() {
                    break;
                }
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(broker = %config.url, %error, retry_in_ms = backoff.as_millis() as u64,
                    "MQTT connection failed; reconnecting");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = wait_for(&mut shutdown) => break,
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
    drop(sender);
    worker.await.context("the MQTT storing task failed")?;
    // Unacknowledged messages stay with the broker for the next start.
    let _ = client.disconnect().await;
    Ok(())
}

async fn wait_for(shutdown: &mut watch::Receiver<bool>) {
    // A dropped sender means nobody can ask for shutdown any more: wait forever.
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Where stored messages go: the store, then (after commit) the console's live view.
struct Destination {
    store: Store,
    hub: ReadingHub,
}

/// Takes messages off the queue in batches, stores each batch, then acknowledges its messages in order.
async fn store_messages(
    destination: Destination,
    client: AsyncClient,
    prefix: String,
    mut receiver: mpsc::Receiver<Received>,
    connection: Arc<AtomicU64>,
    stats: Arc<MqttStats>,
    mut shutdown: watch::Receiver<bool>,
) {
    let Destination { store, hub } = destination;
    let mut batch = Vec::with_capacity(MAX_MESSAGES_PER_BATCH);
    loop {
        batch.clear();
        if receiver.recv_many(&mut batch, MAX_MESSAGES_PER_BATCH).await == 0 {
            return;
        }
        if !store_batch(&store, &prefix, &batch, &stats, &hub, &mut shutdown).await {
            // Shutting down before the batch could be stored: leave it unacknowledged for redelivery.
            return;
        }
        let current = connection.load(Ordering::SeqCst);
        for received in &batch {
            if received.connection != current {
                continue;
            }
            if let Err(error) = client.ack(&received.publish).await {
                tracing::warn!(%error, "acknowledging an MQTT message; the broker will redeliver it");
            }
        }
    }
}

/// Stores what can be stored of a batch, retrying database failures with back-off. False if shutdown came first.
async fn store_batch(
    store: &Store,
    prefix: &str,
    batch: &[Received],
    stats: &MqttStats,
    hub: &ReadingHub,
    shutdown: &mut watch::Receiver<bool>,
) -> bool {
    // Readings by organisation, each remembering its message for the log.
    let mut by_organisation: BTreeMap<OrganisationId, Vec<(usize, NewReading)>> = BTreeMap::new();
    for (message_index, received) in batch.iter().enumerate() {
        match parse_message(prefix, &received.publish) {
            Ok((organisation_id, readings)) => by_organisation
                .entry(organisation_id)
                .or_default()
                .extend(readings.into_iter().map(|reading| (message_index, reading))),
            Err(problem) => bad(stats, &received.publish.topic, &problem),
        }
    }
    for (organisation_id, mut readings) in by_organisation {
        let mut backoff = FIRST_BACKOFF;
        loop {
            match ingest(store, organisation_id, &readings).await {
                Ok(Some(outcome)) => {
                    // Committed: tell the live view (the outcome's indices are those of `readings`).
                    let stored: Vec<NewReading> = readings.iter().map(|(_, reading)| reading.clone()).collect();
                    hub.publish(organisation_id, ReadingSource::Mqtt, &stored, &outcome);
                    stats.stored.fetch_add(outcome.n_accepted as u64, Ordering::Relaxed);
                    stats.duplicates.fetch_add(outcome.n_duplicates as u64, Ordering::Relaxed);
                    stats.conflicts.fetch_add(outcome.n_conflicts as u64, Ordering::Relaxed);
                    for conflict in &outcome.conflicts {
                        tracing::warn!(organisation_id = %organisation_id, meter = conflict.meter.as_str(),
                            reading_at = %conflict.reading_at, "MQTT reading differs from the stored one; kept the stored value");
                    }
                    break;
                }
                Ok(None) => {
                    bad(stats, &format!("{prefix}/{organisation_id}/…"), &BadMessage::UnknownOrganisation);
                    break;
                }
                Err(IngestError::Rejected(problems)) => {
                    // Readings of unknown meters: drop them (logged, counted) and store the rest.
                    let rejected: Vec<usize> = problems.iter().map(|problem| problem.index).collect();
                    for problem in &problems {
                        let (message_index, _) = &readings[problem.index];
                        let topic = &batch[*message_index].publish.topic;
                        bad(
                            stats,
                            topic,
                            &BadMessage::Reading { index: problem.index, error: log_text(&problem.error) },
                        );
                    }
                    readings = readings
                        .into_iter()
                        .enumerate()
                        .filter(|(index, _)| !rejected.contains(index))
                        .map(|(_, reading)| reading)
                        .collect();
                }
                Err(IngestError::Store(error)) => {
                    stats.store_failures.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(%error, retry_in_ms = backoff.as_millis() as u64,
                        "storing MQTT readings failed; retrying (messages stay unacknowledged)");
                    tokio::select! {
                        () = tokio::time::sleep(backoff) => {}
                        _ = wait_for(shutdown) => return false,
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
    true
}

/// Ingests one organisation's readings; `None` when the organisation does not exist.
async fn ingest(
    store: &Store,
    organisation_id: OrganisationId,
    readings: &[(usize, NewReading)],
) -> Result<Option<tanji_store::energy::IngestOutcome>, IngestError> {
    if readings.is_empty() {
        return Ok(Some(Default::default()));
    }
    if !store.organisation_exists(organisation_id).await? {
        return Ok(None);
    }
    let readings: Vec<NewReading> = readings.iter().map(|(_, reading)| reading.clone()).collect();
    store.ingest(organisation_id, ReadingSource::Mqtt, &readings).await.map(Some)
}

fn bad(stats: &MqttStats, topic: &str, problem: &BadMessage) {
    stats.bad.fetch_add(1, Ordering::Relaxed);
    tracing::warn!(topic, %problem, "MQTT message not stored");
}

/// Starts the subscriber in the background; it stops when `shutdown` turns true. Logs a configuration error.
pub fn spawn(
    store: Store,
    config: MqttConfig,
    stats: Arc<MqttStats>,
    hub: ReadingHub,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(error) = run(store, config, stats, hub, shutdown).await {
            tracing::error!(error = %format!("{error:#}"), "the MQTT subscriber stopped");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(topic: &str, payload: &str) -> Publish {
        Publish::new(topic, QoS::AtLeastOnce, payload.as_bytes().to_vec())
    }

    #[test]
    fn topics_and_payloads_are_read_or_refused() {
        let organisation = "0190b6a0-0000-7000-8000-000000000001";
        let (id, readings) = parse_message(
            "tanji",
            &publish(
                &format!("tanji/{organisation}/meters/L2-HEATER"),
                r#"{"ts": "2026-03-02T08:15:00+08:00", "value": 7}"#,
            ),
        )
        .unwrap();
        assert_eq!(id.to_string(), organisation);
        assert_eq!(readings.len(), 1);
        assert_eq!(readings[0].meter_code.as_str(), "L2-HEATER");
        assert_eq!(readings[0].value, 7.0);
        let many = parse_message(
            "tanji",
            &publish(
                &format!("tanji/{organisation}/meters/M"),
                r#"[{"ts": "2026-03-02T08:15:00Z", "value": 1}, {"ts": "2026-03-02T08:30:00Z", "value": 2}]"#,
            ),
        )
        .unwrap();
        assert_eq!(many.1.len(), 2);

        for (topic, payload) in [
            (format!("other/{organisation}/meters/M"), r#"{"ts": "2026-03-02T08:15:00Z", "value": 1}"#),
            (format!("tanji/{organisation}/meters/M/extra"), r#"{"ts": "2026-03-02T08:15:00Z", "value": 1}"#),
            ("tanji/not-a-uuid/meters/M".to_owned(), r#"{"ts": "2026-03-02T08:15:00Z", "value": 1}"#),
        ] {
            assert!(matches!(parse_message("tanji", &publish(&topic, payload)), Err(BadMessage::Topic)), "{topic}");
        }
        let topic = format!("tanji/{organisation}/meters/M");
        assert!(matches!(parse_message("tanji", &publish(&topic, "12.5")), Err(BadMessage::Payload(_))));
        assert!(matches!(
            parse_message("tanji", &publish(&topic, r#"{"ts": "yesterday", "value": 1}"#)),
            Err(BadMessage::Reading { index: 0, .. })
        ));
    }

    #[test]
    fn urls_are_read_or_refused_with_a_hint() {
        let config =
            |url: &str| MqttConfig { url: url.to_owned(), client_id: "c".to_owned(), topic_prefix: "tanji".to_owned() };
        assert_eq!(config("mqtt://127.0.0.1:1883").options().unwrap().broker_address(), ("127.0.0.1".to_owned(), 1883));
        assert_eq!(
            config("mqtt://broker.local").options().unwrap().broker_address(),
            ("broker.local".to_owned(), 1883)
        );
        let refused = config("mqtts://broker:8883").options().unwrap_err().to_string();
        assert!(refused.contains("hint:"), "{refused}");
        assert!(config("mqtt://user:secret@broker:1883").options().is_err());
    }
}
