//! Carbon-account events through the real `tanji serve --nats`, killed with SIGKILL mid-stream.
//!
//! The claim, precisely: every event JetStream acknowledged to its publisher gets exactly one outcome after a
//! restart, and the ledger credits each event at most once — also for events published twice, once with the
//! `Nats-Msg-Id` header (the broker drops the repeat within its window) and once without (the broker keeps both, as
//! it would outside its window): tanji acknowledges a message only after its outcome is committed with its transfer,
//! and answers a redelivery from the stored outcome. Afterwards the ledger's invariants hold and every person's
//! balance equals the sum of their credited outcomes.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::{self, stream};
use jiff::{SignedDuration, Timestamp};
use tanji_account::ingestion::{SubPlatformEvent, outcome_transfer};
use tanji_account::ledger::Ledger;
use tanji_account::methodology::Activity;
use tanji_account::points::PersonId;
use tanji_store::account_events::{RecordedOutcome, scheme_rules};
use tanji_store::account_sub_platforms::SubPlatformCaller;
use tanji_store::{Store, SystemClock};
use tanji_testkit::account::metro_scheme;
use tanji_testkit::nats::nats_server;
use tanji_testkit::wait::wait_until;

/// Distinct events published.
const N_EVENTS: usize = 300;
/// Every this many events, the event is published a second time without `Nats-Msg-Id`.
const REPEAT_WITHOUT_ID_EVERY: usize = 7;
/// Every this many events, the event is published a second time with the same `Nats-Msg-Id`.
const REPEAT_WITH_ID_EVERY: usize = 5;

struct Names {
    stream: String,
    consumer: String,
    prefix: String,
}

fn serve(database_url: &str, server: &str, names: &Names, log: &std::path::Path) -> Child {
    let log = std::fs::File::options().create(true).append(true).open(log).unwrap();
    tanji_testkit::cli::command(env!("CARGO_BIN_EXE_tanji"))
        .args(["serve", "--database", database_url, "--listen", "127.0.0.1:0", "--nats", server])
        .args(["--nats-stream", &names.stream, "--nats-consumer", &names.consumer])
        .args(["--nats-subject-prefix", &names.prefix])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("starting tanji serve")
}

async fn outcomes(store: &Store, caller: &SubPlatformCaller) -> Vec<RecordedOutcome> {
    store.event_outcomes(caller, caller.sub_platform_id, None).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_mid_stream_loses_no_acknowledged_event_and_credits_none_twice() {
    let Some(server_url) = nats_server() else { return };
    let directory = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}?mode=rwc", directory.path().join("tanji.sqlite").display());
    let log = directory.path().join("serve.log");
    let store = Store::open(&database_url, Arc::new(SystemClock)).await.unwrap();
    let scheme = metro_scheme(&store, "Metro operator", 60).await;
    let caller = store.sub_platform_caller(&scheme.secret).await.unwrap().unwrap();

    let run = uuid::Uuid::new_v4().simple().to_string();
    let names = Names {
        stream: format!("TANJI_TEST_{run}"),
        consumer: format!("tanji-test-{run}"),
        prefix: format!("tanji-test-{run}.account"),
    };
    let client = async_nats::connect(server_url.trim_start_matches("nats://")).await.unwrap();
    let publisher = jetstream::new(client);
    // The same stream the server would create (it finds this one).
    publisher
        .get_or_create_stream(stream::Config {
            name: names.stream.clone(),
            subjects: vec![format!("{}.*.events", names.prefix)],
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        })
        .await
        .unwrap();
    let subject = format!("{}.{}.events", names.prefix, scheme.sub_platform_id);
    let base: Timestamp = Timestamp::now() - SignedDuration::from_hours(3);
    let events: Vec<SubPlatformEvent> = (0..N_EVENTS)
        .map(|index| SubPlatformEvent {
            event_id: format!("trip-{index:05}"),
            identity: scheme.people[index % scheme.people.len()].0.clone(),
            behaviour: "metro_trip".to_owned(),
            occurred_at: base + SignedDuration::from_secs(index as i64),
            activity: Activity::Distance { person_km: 1.0 + (index % 20) as f64 },
        })
        .collect();

    let mut server = serve(&database_url, &server_url, &names, &log);
    // The stream is paced (an event every 3 ms), so that the kill lands mid-stream however fast the server is.
    let (acked_sender, acked) = tokio::sync::watch::channel(0_usize);
    let publishing = {
        let publisher = publisher.clone();
        let subject = subject.clone();
        let events = events.clone();
        tokio::spawn(async move {
            let mut n_acked = 0;
            for (index, event) in events.iter().enumerate() {
                let payload = serde_json::to_vec(event).unwrap();
                let mut copies = vec![true];
                if index % REPEAT_WITH_ID_EVERY == 0 {
                    copies.push(true);
                }
                if index % REPEAT_WITHOUT_ID_EVERY == 0 {
                    copies.push(false);
                }
                for with_id in copies {
                    let mut headers = HeaderMap::new();
                    if with_id {
                        headers.insert("Nats-Msg-Id", event.event_id.as_str());
                    }
                    let ack = publisher.publish_with_headers(subject.clone(), headers, payload.clone().into());
                    ack.await.unwrap().await.expect("JetStream acknowledges the publication");
                }
                n_acked += 1;
                let _ = acked_sender.send(n_acked);
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        })
    };
    wait_until("the server to decide part of the stream", 120, async || outcomes(&store, &caller).await.len() > 1)
        .await;
    server.kill().expect("killing the server");
    server.wait().unwrap();
    let at_kill = outcomes(&store, &caller).await.len();
    publishing.await.unwrap();
    assert_eq!(*acked.borrow(), N_EVENTS, "every event was acknowledged by JetStream");

    let mut server = serve(&database_url, &server_url, &names, &log);
    wait_until("the restarted server to decide every event", 180, async || {
        outcomes(&store, &caller).await.len() >= N_EVENTS
    })
    .await;
    // Redeliveries still in flight (repeats without an id) must not add anything: give them time, then stop.
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();

    let decided = outcomes(&store, &caller).await;
    let ids: BTreeSet<&str> = decided.iter().map(|outcome| outcome.event_id.as_str()).collect();
    let published: BTreeSet<&str> = events.iter().map(|event| event.event_id.as_str()).collect();
    assert_eq!(ids, published, "every acknowledged event has an outcome\n{log_text}");
    assert_eq!(decided.len(), N_EVENTS, "and only one\n{log_text}");

    let ledger = store.points_ledger(&scheme.owner).await.unwrap();
    let check = ledger.check().await.unwrap().expect("the ledger's invariants hold");
    let n_transfers = decided.iter().filter(|outcome| outcome_transfer(&outcome.outcome).is_some()).count();
    assert_eq!(check.n_transfers, n_transfers as u64, "one transfer per event that has one, none twice");
    let mut credited: BTreeMap<u64, u128> = BTreeMap::new();
    for outcome in &decided {
        *credited.entry(outcome.person_number.expect("every identity is linked")).or_default() +=
            u128::from(outcome.points_credited);
    }
    let total: u128 = credited.values().sum();
    assert!(total > 0, "some points were credited\n{log_text}");
    for (_, person) in &scheme.people {
        let account = scheme_rules().chart.person(PersonId(*person));
        let balance =
            ledger.lookup_accounts(&[account]).await.unwrap().first().map_or(0, |account| account.credits_posted);
        assert_eq!(balance, credited.get(person).copied().unwrap_or(0), "person {person}");
    }
    // The kill came mid-stream: part of it was decided before, the rest after the restart.
    assert!(at_kill > 1 && at_kill < N_EVENTS, "killed after {at_kill} of {N_EVENTS} decided");
    let _ = publisher.delete_stream(&names.stream).await;
}
