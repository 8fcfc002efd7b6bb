//! Readings as they are stored, for the console's live view: every ingestion path (the REST batch in `api::energy`,
//! the MQTT subscriber in `energy::mqtt`) publishes what it stored to one in-process `tokio::sync::broadcast`
//! channel *after* its transaction committed, and each live-view stream subscribes and keeps only its own
//! organisation's readings.
//!
//! The channel is a notification, not the record: a slow browser that falls behind by more than
//! [`CHANNEL_CAPACITY`] batches skips them (it is told, and the page's numbers catch up on the next reading or
//! reload), while the database keeps every reading.

use std::sync::Arc;

use serde::Serialize;
use tanji_store::energy::{IngestOutcome, NewReading, ReadingSource};
use tanji_tenancy::OrganisationId;
use tokio::sync::broadcast;

/// Batches kept for subscribers that fall behind.
pub const CHANNEL_CAPACITY: usize = 1024;

/// How often an open stream checks that its viewer's session still holds. A stream outlives the request that
/// checked the session, so without this a viewer who logged out, whose session expired or who was removed from the
/// organisation would go on receiving its readings.
pub const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(10);

/// One stored reading, as the live view shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiveReading {
    /// The meter's code.
    pub meter: String,
    /// The reading's instant, RFC 3339 in UTC.
    pub ts: String,
    /// The value as sent (before the meter's multiplier).
    pub value: f64,
    /// How it arrived: `api`, `mqtt` or `csv`.
    pub source: &'static str,
}

/// Readings of one organisation stored in one transaction.
#[derive(Clone, Debug)]
pub struct StoredBatch {
    /// Whose readings these are: the only organisation whose streams receive them.
    pub organisation_id: OrganisationId,
    /// The readings, in the order sent.
    pub readings: Vec<LiveReading>,
}

/// The broadcast of stored readings. Cheap to clone; every clone publishes to the same subscribers.
#[derive(Clone, Debug)]
pub struct ReadingHub {
    sender: broadcast::Sender<Arc<StoredBatch>>,
}

impl Default for ReadingHub {
    fn default() -> Self {
        Self::new()
    }
}

impl ReadingHub {
    /// A hub with no subscribers.
    pub fn new() -> Self {
        Self { sender: broadcast::channel(CHANNEL_CAPACITY).0 }
    }

    /// Announces a committed batch: every reading of `readings` except those the store kept a different value for
    /// (conflicts). Readings already stored with the same value are announced again; the page ignores a reading no
    /// newer than the one it shows. Call only after the transaction committed.
    pub fn publish(
        &self,
        organisation_id: OrganisationId,
        source: ReadingSource,
        readings: &[NewReading],
        outcome: &IngestOutcome,
    ) {
        if self.sender.receiver_count() == 0 {
            return;
        }
        let conflicting: std::collections::HashSet<usize> =
            outcome.conflicts.iter().map(|conflict| conflict.index).collect();
        let readings: Vec<LiveReading> = readings
            .iter()
            .enumerate()
            .filter(|(index, _)| !conflicting.contains(index))
            .map(|(_, reading)| LiveReading {
                meter: reading.meter_code.as_str().to_owned(),
                ts: reading.reading_at.to_string(),
                value: reading.value,
                source: source.as_str(),
            })
            .collect();
        if readings.is_empty() {
            return;
        }
        // No receiver is not an error: nobody is watching.
        let _ = self.sender.send(Arc::new(StoredBatch { organisation_id, readings }));
    }

    /// A subscription to `organisation_id`'s readings only.
    pub fn subscribe(&self, organisation_id: OrganisationId) -> OrganisationReadings {
        OrganisationReadings { organisation_id, receiver: self.sender.subscribe() }
    }
}

/// What a subscription yields next.
#[derive(Debug)]
pub enum LiveEvent {
    /// Readings of the subscriber's organisation.
    Readings(Arc<StoredBatch>),
    /// The subscriber fell behind and this many batches (of any organisation) were skipped.
    Skipped(u64),
}

/// One organisation's view of the hub.
#[derive(Debug)]
pub struct OrganisationReadings {
    organisation_id: OrganisationId,
    receiver: broadcast::Receiver<Arc<StoredBatch>>,
}

impl OrganisationReadings {
    /// The next batch of this organisation's readings; `None` when the hub is gone. Other organisations' batches
    /// are dropped here and never leave this function.
    pub async fn next(&mut self) -> Option<LiveEvent> {
        loop {
            match self.receiver.recv().await {
                Ok(batch) if batch.organisation_id == self.organisation_id => return Some(LiveEvent::Readings(batch)),
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(n_skipped)) => return Some(LiveEvent::Skipped(n_skipped)),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tanji_store::energy::ReadingConflict;

    fn reading(meter: &str, ts: &str, value: f64) -> NewReading {
        NewReading::parse(meter, ts, value, "test").unwrap()
    }

    #[tokio::test]
    async fn a_subscriber_receives_its_organisation_only_and_never_conflicts() {
        let hub = ReadingHub::new();
        let (ours, theirs) =
            (OrganisationId::from_uuid(uuid::Uuid::from_u128(1)), OrganisationId::from_uuid(uuid::Uuid::from_u128(2)));
        let mut subscription = hub.subscribe(ours);
        let batch = [reading("A", "2026-03-02T08:00:00+08:00", 1.0)];
        hub.publish(theirs, ReadingSource::Mqtt, &batch, &IngestOutcome::default());
        let mine = [reading("B", "2026-03-02T08:00:00+08:00", 2.0), reading("B", "2026-03-02T08:15:00+08:00", 3.0)];
        let outcome = IngestOutcome {
            n_accepted: 1,
            n_conflicts: 1,
            conflicts: vec![ReadingConflict {
                index: 0,
                meter: mine[0].meter_code.clone(),
                reading_at: mine[0].reading_at,
                stored_value: 9.0,
                sent_value: 2.0,
            }],
            ..IngestOutcome::default()
        };
        hub.publish(ours, ReadingSource::Api, &mine, &outcome);
        let Some(LiveEvent::Readings(batch)) = subscription.next().await else { panic!("a batch") };
        assert_eq!(batch.organisation_id, ours);
        assert_eq!(
            batch.readings,
            [LiveReading { meter: "B".into(), ts: "2026-03-02T00:15:00Z".into(), value: 3.0, source: "api" }]
        );
    }
}
