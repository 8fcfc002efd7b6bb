//! Live readings over MQTT against the real broker: duplicates stored once, conflicts and bad messages counted.
//! (The crash test, which kills the real `tanji` binary mid-stream, is in tanji-cli's tests/mqtt_crash.rs.)

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use tanji_server::energy::mqtt::{self, MqttConfig, MqttStats};
use tanji_store::energy::{MeterCode, MeterInput, NewMeter, ReadingStore, RollupGrain};
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};
use tanji_testkit::mqtt::mqtt_broker;
use tanji_testkit::{TestDatabase, on_both_databases};

use crate::harness::{BRAND_EDITOR, World};

/// Waits, checking every 20 ms, until `done` or the deadline; the broker and the subscriber run on their own time.
async fn eventually<F: AsyncFnMut() -> bool>(what: &str, mut done: F) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

on_both_databases!(readings_published_twice_are_stored_once);
async fn readings_published_twice_are_stored_once(database: TestDatabase) {
    let Some((host, port)) = mqtt_broker() else { return };
    let store = database.store.clone();
    let world = World::build(&store).await;
    let token = World::token(&store, &world.brand, BRAND_EDITOR, "read write").await;
    let actor = store.token_actor(&token).await.unwrap().unwrap();
    let details =
        FacilityDetails::parse(&FacilityInput { name: "纸杯厂", kind: "factory", ..FacilityInput::default() }).unwrap();
    let facility = store.create_facility(&actor, &details).await.unwrap();
    let facility_id = facility.id.to_string();
    let meter = NewMeter::parse(&MeterInput {
        facility_id: &facility_id,
        code: "L1-MAIN",
        name: "一号线总表",
        kind: "electricity",
        unit: "kWh",
        register_type: "interval",
        ..MeterInput::default()
    })
    .unwrap();
    store.register_meter(&actor, &meter).await.unwrap();

    // A prefix and client id of this test's own, so tests sharing the broker do not see each other's messages.
    let run = uuid::Uuid::new_v4().simple().to_string();
    let config = MqttConfig {
        url: format!("mqtt://{host}:{port}"),
        client_id: format!("tanji-test-{run}"),
        topic_prefix: format!("tanji-test-{run}"),
    };
    let stats = Arc::new(MqttStats::default());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let subscriber = mqtt::spawn(
        store.clone(),
        config.clone(),
        Arc::clone(&stats),
        tanji_server::energy::live::ReadingHub::new(),
        stopped,
    );

    let mut options = MqttOptions::new(format!("publisher-{run}"), host, port);
    options.set_inflight(100);
    let (publisher, mut event_loop) = AsyncClient::new(options, 1000);
    let (acked_sender, acked) = tokio::sync::watch::channel(0_usize);
    tokio::spawn(async move {
        let mut n_acked = 0;
        while let Ok(event) = event_loop.poll().await {
            if let Event::Incoming(Packet::PubAck(_)) = event {
                n_acked += 1;
                let _ = acked_sender.send(n_acked);
            }
        }
    });
    let topic = format!("{}/{}/meters/L1-MAIN", config.topic_prefix, world.brand.id);
    let payload = |minute: u32, value: f64| {
        format!(r#"{{"ts": "2026-03-02T{:02}:{:02}:00+08:00", "value": {value}}}"#, 8 + minute / 60, minute % 60)
    };

    // The subscription is in place once a probe reading arrives; send it until it does.
    let code = MeterCode::parse("code", "L1-MAIN").unwrap();
    eventually("the subscriber to receive a probe", async || {
        publisher.publish(&topic, QoS::AtLeastOnce, false, payload(0, 1.0)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        store.count_readings(world.brand.id, &code).await.unwrap() == 1
    })
    .await;

    // 200 readings, 50 of them published twice, one published again with another value, and two bad messages.
    let mut n_published = 0;
    for minute in 1..=200 {
        publisher.publish(&topic, QoS::AtLeastOnce, false, payload(minute, f64::from(minute))).await.unwrap();
        n_published += 1;
        if minute % 4 == 0 {
            publisher.publish(&topic, QoS::AtLeastOnce, false, payload(minute, f64::from(minute))).await.unwrap();
            n_published += 1;
        }
    }
    publisher.publish(&topic, QoS::AtLeastOnce, false, payload(7, 99.0)).await.unwrap();
    publisher.publish(&topic, QoS::AtLeastOnce, false, "not json").await.unwrap();
    let unknown_meter = format!("{}/{}/meters/NO-SUCH", config.topic_prefix, world.brand.id);
    publisher.publish(&unknown_meter, QoS::AtLeastOnce, false, payload(1, 1.0)).await.unwrap();
    n_published += 3;
    let mut acked = acked.clone();
    acked.wait_for(|n_acked| *n_acked >= n_published).await.unwrap();

    eventually("every message to be handled", async || {
        stats.stored.load(Ordering::SeqCst) >= 201
            && stats.conflicts.load(Ordering::SeqCst) >= 1
            && stats.bad.load(Ordering::SeqCst) >= 2
            && stats.duplicates.load(Ordering::SeqCst) >= 50
    })
    .await;
    assert_eq!(store.count_readings(world.brand.id, &code).await.unwrap(), 201, "distinct readings stored once");
    assert_eq!(stats.stored.load(Ordering::SeqCst), 201);
    assert_eq!(stats.conflicts.load(Ordering::SeqCst), 1);
    assert_eq!(stats.bad.load(Ordering::SeqCst), 2);
    // The roll-ups count each reading once, and keep the first value of the conflicting one (7, not 99).
    let days = store
        .rollups(
            world.brand.id,
            &code,
            RollupGrain::Day,
            "2026-03-01T00:00:00Z".parse().unwrap(),
            "2026-03-03T00:00:00Z".parse().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(days.iter().map(|day| day.n_readings).sum::<i64>(), 201);
    let expected_kwh = 1.0 + (1..=200).map(f64::from).sum::<f64>();
    assert_eq!(days.iter().map(|day| day.consumption).sum::<f64>(), expected_kwh);

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), subscriber).await.expect("the subscriber stops").unwrap();
}
