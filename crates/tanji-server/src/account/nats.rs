//! Carbon-account events from NATS JetStream: `tanji serve --nats nats://HOST:PORT`.
//!
//! Layout: sub-platforms publish each event as JSON (`tanji_account::ingestion::SubPlatformEvent`) on the subject
//! `tanji.account.{sub-platform-id}.events`, with the header `Nats-Msg-Id` set to the event id (the broker then drops
//! repeats within its duplicate window). tanji creates the stream `TANJI_ACCOUNT_EVENTS` (file storage, subjects
//! `tanji.account.*.events`) if it is missing, and reads it through the durable pull consumer `tanji-account-events`
//! with explicit acknowledgement. docs/account-events.md is the user's guide.
//!
//! Nothing acknowledged is lost, and nothing is credited twice:
//! - A message is acknowledged only after the transaction that stores its outcome (and its ledger transfer) has
//!   committed (`Store::ingest_nats_event`). A server killed before the acknowledgement gets the message again after
//!   `ack_wait`; the stored outcome answers the redelivery and nothing is credited again — whatever the broker's
//!   duplicate window, since the transfer id is derived from (sub-platform, event id).
//! - Database failures are not the message's fault: it is negatively acknowledged with a delay and comes back.
//! - A message that can never be processed (a subject outside the layout, an unknown or suspended sub-platform, a
//!   payload that is not an event) is logged (subject and problem, never the payload) and terminated, so it does not
//!   come back forever. An event id reused with another payload is refused and terminated the same way.
//!
//! Trust: the subject names the sub-platform. The broker's permissions are the authentication of this path: give
//! each sub-platform's NATS user publish rights on its own subject only.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use async_nats::jetstream::{self, AckKind, consumer, stream};
use futures_util::StreamExt;
use tanji_account::ingestion::SubPlatformEvent;
use tanji_store::Store;
use tanji_store::account_events::Delivery;
use tokio::sync::watch;
use uuid::Uuid;

/// The first wait before reconnecting, doubled after each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a message delivered but not acknowledged stays with this consumer before the broker redelivers it.
pub const ACK_WAIT: Duration = Duration::from_secs(10);
/// How long the broker remembers a `Nats-Msg-Id` to drop a repeated publication.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// Where and how to consume.
#[derive(Clone, Debug)]
pub struct NatsConfig {
    /// `nats://HOST:PORT`.
    pub url: String,
    pub stream: String,
    pub consumer: String,
    /// The first levels of every subject (`tanji.account`).
    pub subject_prefix: String,
}

impl NatsConfig {
    pub const DEFAULT_STREAM: &'static str = "TANJI_ACCOUNT_EVENTS";
    pub const DEFAULT_CONSUMER: &'static str = "tanji-account-events";
    pub const DEFAULT_SUBJECT_PREFIX: &'static str = "tanji.account";

    /// The consumer with the defaults.
    pub fn new(url: impl Into<String>) -> Self {
        NatsConfig {
            url: url.into(),
            stream: Self::DEFAULT_STREAM.to_owned(),
            consumer: Self::DEFAULT_CONSUMER.to_owned(),
            subject_prefix: Self::DEFAULT_SUBJECT_PREFIX.to_owned(),
        }
    }

    /// The subjects of the stream: every sub-platform's events.
    pub fn subject_filter(&self) -> String {
        format!("{}.*.events", self.subject_prefix)
    }

    /// The subject a sub-platform publishes its events on.
    pub fn subject(&self, sub_platform_id: Uuid) -> String {
        format!("{}.{sub_platform_id}.events", self.subject_prefix)
    }

    /// Checks the URL, so that `tanji serve` refuses a wrong one at start rather than retrying it forever.
    pub fn check(&self) -> anyhow::Result<()> {
        if !self.url.starts_with("nats://") || self.url.len() <= "nats://".len() {
            anyhow::bail!(
                "unsupported NATS URL {:?}\nhint: use nats://HOST:PORT, e.g. nats://127.0.0.1:4222 (see docs/account-events.md)",
                self.url
            );
        }
        Ok(())
    }

    /// The sub-platform a subject names, if it is in the layout.
    fn sub_platform_of(&self, subject: &str) -> Option<Uuid> {
        let rest = subject.strip_prefix(&self.subject_prefix)?.strip_prefix('.')?;
        rest.strip_suffix(".events")?.parse().ok()
    }
}

/// Counts of what the consumer did since it started.
#[derive(Debug, Default)]
pub struct NatsStats {
    /// Messages received (redeliveries included).
    pub received: AtomicU64,
    /// Events decided and stored now.
    pub recorded: AtomicU64,
    /// Redeliveries answered from the stored outcome.
    pub replayed: AtomicU64,
    /// Messages terminated: outside the layout, unknown sub-platform, not an event, event id reused.
    pub terminated: AtomicU64,
    /// Messages given back to the broker after a storage failure.
    pub retried: AtomicU64,
}

/// Starts the consumer; it runs until `stop` turns true, reconnecting with back-off.
pub fn spawn(
    store: Store,
    config: NatsConfig,
    stats: Arc<NatsStats>,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = FIRST_BACKOFF;
        loop {
            let run = consume(&store, &config, &stats, &mut backoff);
            tokio::select! {
                ended = run => {
                    if let Err(error) = ended {
                        tracing::warn!(server = %config.url, error = %format!("{error:#}"), "NATS consumer stopped; reconnecting");
                    }
                }
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    })
}

/// Connects, makes sure the stream and the consumer exist, and processes messages until the connection fails.
async fn consume(store: &Store, config: &NatsConfig, stats: &NatsStats, backoff: &mut Duration) -> anyhow::Result<()> {
    let address = config.url.trim_end_matches('/');
    let client = async_nats::ConnectOptions::new()
        .name("tanji-account-events")
        .connection_timeout(Duration::from_secs(5))
        .connect(address)
        .await
        .with_context(|| format!("connecting to {address}"))?;
    let jetstream = jetstream::new(client);
    let stream = jetstream
        .get_or_create_stream(stream::Config {
            name: config.stream.clone(),
            subjects: vec![config.subject_filter()],
            storage: stream::StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            ..Default::default()
        })
        .await
        .context("creating the events stream")?;
    let consumer = stream
        .get_or_create_consumer(
            &config.consumer,
            consumer::pull::Config {
                durable_name: Some(config.consumer.clone()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: ACK_WAIT,
                filter_subject: config.subject_filter(),
                ..Default::default()
            },
        )
        .await
        .context("creating the durable consumer")?;
    let mut messages = consumer.messages().await.context("pulling messages")?;
    tracing::info!(server = %address, stream = %config.stream, consumer = %config.consumer, "consuming carbon-account events");
    *backoff = FIRST_BACKOFF;
    while let Some(message) = messages.next().await {
        let message = message.context("receiving a message")?;
        stats.received.fetch_add(1, Ordering::Relaxed);
        let kind = process(store, config, stats, &message).await;
        // An acknowledgement lost here is harmless: the redelivery reads the stored outcome.
        message.ack_with(kind).await.map_err(|error| anyhow::anyhow!("acknowledging: {error}"))?;
    }
    anyhow::bail!("the message stream ended")
}

/// Processes one message and says how to acknowledge it.
async fn process(store: &Store, config: &NatsConfig, stats: &NatsStats, message: &jetstream::Message) -> AckKind {
    let subject = message.subject.as_str();
    let Some(sub_platform_id) = config.sub_platform_of(subject) else {
        return terminate(stats, subject, "the subject is not tanji.account.{sub-platform-id}.events");
    };
    let event: SubPlatformEvent = match serde_json::from_slice(&message.payload) {
        Ok(event) => event,
        Err(error) => return terminate(stats, subject, &format!("the payload is not an event: {error}")),
    };
    match store.ingest_nats_event(sub_platform_id, &event).await {
        Ok(Some(Delivery::Recorded(_))) => {
            stats.recorded.fetch_add(1, Ordering::Relaxed);
            AckKind::Ack
        }
        Ok(Some(Delivery::Replayed(_))) => {
            stats.replayed.fetch_add(1, Ordering::Relaxed);
            AckKind::Ack
        }
        Ok(Some(Delivery::Refused(refusal))) => {
            terminate(stats, subject, &format!("event {:?} refused: {refusal:?}", event.event_id))
        }
        Ok(None) => terminate(stats, subject, "no active sub-platform has this id"),
        Err(error) => {
            stats.retried.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(subject, error = %error, "storing an event's outcome failed; the broker will redeliver it");
            AckKind::Nak(Some(Duration::from_secs(1)))
        }
    }
}

fn terminate(stats: &NatsStats, subject: &str, problem: &str) -> AckKind {
    stats.terminated.fetch_add(1, Ordering::Relaxed);
    tracing::warn!(subject, problem, "dropping a message that can never be processed");
    AckKind::Term
}
