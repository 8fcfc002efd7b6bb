//! Migrations that fill a new column from older data: each test brings a fresh database to the schema before the
//! migration, writes rows as the code of that time wrote them (raw SQL: the store's methods expect the current
//! schema), runs the remaining migrations and checks what the backfill decided.
//!
//! 0008 and 0009 decide, for sign-offs made before the verification body was recorded, whether the signer acted
//! for an engaged verification body (third-party verification) or was a member (internal review), from the audit
//! entry of the sign-off and the engagements open at that moment.

use jiff::{SignedDuration, Timestamp};
use sqlx::{AnyConnection, Connection};
use tanji_footprint::Assurance;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::{Actor, OrganisationId, UserId};

use crate::fixtures::{member, organisation};
use tanji_testkit::{TestDatabase, on_both_databases_at_migration};

/// A time as the store writes it (RFC 3339 UTC, six fractional digits).
fn stored(time: Timestamp) -> String {
    jiff::fmt::temporal::DateTimePrinter::new().precision(Some(6)).timestamp_to_string(&time)
}

fn hours(n: i64) -> SignedDuration {
    SignedDuration::from_hours(n)
}

/// Who signed what when, as an old sign-off: `None` for a version or footprint nobody signed.
type SignOff = Option<(UserId, Timestamp)>;

/// The audit entry the store wrote for a sign-off: the one trace of who signed.
async fn sign_off_audit_entry(
    connection: &mut AnyConnection,
    organisation_id: OrganisationId,
    action: &str,
    object_id: &str,
    (user_id, at): (UserId, Timestamp),
) {
    sqlx::query(
        "INSERT INTO audit_events (id, organisation_id, occurred_at, actor_user_id, actor_token_id, actor_label, \
         action, object_id, object_label, changes) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(organisation_id.to_string())
    .bind(stored(at))
    .bind(user_id.to_string())
    .bind("a signer")
    .bind(action)
    .bind(object_id)
    .bind("signed object")
    .bind("[]")
    .execute(connection)
    .await
    .unwrap();
}

/// An organisation with an owner and its own auditor, and a verification body with an auditor (the verifier) that
/// the organisation engaged at the test's start time.
struct Parties {
    organisation: OrganisationId,
    owner: Actor,
    own_auditor: UserId,
    body: OrganisationId,
    verifier: UserId,
}

async fn parties(test: &TestDatabase) -> Parties {
    let store = &test.store;
    let factory = organisation(store, "Factory 工厂", OrganisationKind::Supplier).await;
    let owner = member(store, &factory, "owner@factory.example", Role::Owner).await;
    let own_auditor = member(store, &factory, "auditor@factory.example", Role::Auditor).await.user_id;
    let body = organisation(store, "Verifier 核查机构", OrganisationKind::VerificationBody).await;
    let verifier = member(store, &body, "verifier@body.example", Role::Auditor).await.user_id;
    Parties { organisation: factory.id, owner, own_auditor, body: body.id, verifier }
}

/// The sign-offs both tests make, relative to the start `t0`: the engagement is open from `t0` to `t0 + 2 h`, then
/// again from `t0 + 4 h`. Each case is (name, sign-off, whether the backfill must find the body).
fn cases(parties: &Parties, t0: Timestamp) -> Vec<(&'static str, SignOff, bool)> {
    vec![
        ("verifier, engagement open", Some((parties.verifier, t0 + SignedDuration::from_mins(30))), true),
        ("verifier, after the engagement ended", Some((parties.verifier, t0 + hours(3))), false),
        ("the organisation's own auditor", Some((parties.own_auditor, t0 + SignedDuration::from_mins(30))), false),
        ("verifier, before the engagement began", Some((parties.verifier, t0 - hours(24))), false),
        ("nobody", None, false),
        ("verifier, engaged again", Some((parties.verifier, t0 + hours(5))), true),
    ]
}

/// Engages the body at `t0`, ends the engagement at `t0 + 2 h` and engages it again at `t0 + 4 h`.
async fn engagements(test: &TestDatabase, parties: &Parties) {
    let store = &test.store;
    let engagement = store.engage_verification_body(&parties.owner, parties.body).await.unwrap();
    test.clock.advance(hours(2));
    store.end_verification_engagement(&parties.owner, &engagement.id).await.unwrap();
    test.clock.advance(hours(2));
    store.engage_verification_body(&parties.owner, parties.body).await.unwrap();
}

on_both_databases_at_migration!(inventory_sign_offs_before_0009_are_backfilled_from_the_audit_log, 8);
async fn inventory_sign_offs_before_0009_are_backfilled_from_the_audit_log(test: TestDatabase) {
    let t0 = tanji_testkit::start_time();
    let parties = parties(&test).await;
    engagements(&test, &parties).await;
    let cases = cases(&parties, t0);

    // Inventory versions as 0002–0008 stored them: no verification body, the signer only in the audit log.
    let mut connection = test.connection().await;
    for (index, (_, sign_off, _)) in cases.iter().enumerate() {
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO inventory_versions (id, organisation_id, reporting_year, version, gwp_set, consolidation, \
             total_location_kg, total_market_kg, n_errors, result_json, computed_at, computed_by, verified_at, \
             verified_by, verification_statement, n_records_not_counted) \
             VALUES ($1, $2, 2025, $3, 'AR6', 'operational_control', 1000.0, 900.0, 0, '{}', $4, 'an editor', $5, \
             $6, $7, 0)",
        )
        .bind(&id)
        .bind(parties.organisation.to_string())
        .bind(index as i64 + 1)
        .bind(stored(t0 - hours(48)))
        .bind(sign_off.map(|(_, at)| stored(at)))
        .bind(sign_off.map(|_| "a signer".to_owned()))
        .bind(sign_off.map(|_| "Verified.".to_owned()))
        .execute(&mut connection)
        .await
        .unwrap();
        if let Some(sign_off) = *sign_off {
            sign_off_audit_entry(&mut connection, parties.organisation, "inventory.verified", &id, sign_off).await;
        }
    }
    connection.close().await.unwrap();

    test.store.migrate().await.unwrap();

    let summaries = test.store.inventory_versions(&parties.owner).await.unwrap();
    assert_eq!(summaries.len(), cases.len());
    for (index, (case, sign_off, for_body)) in cases.iter().enumerate() {
        let summary = summaries.iter().find(|summary| summary.version == index as i64 + 1).unwrap();
        let expected = match (sign_off, for_body) {
            (None, _) => Assurance::SelfDeclared,
            (Some(_), true) => Assurance::Verified,
            (Some(_), false) => Assurance::InternalReview,
        };
        assert_eq!(summary.assurance(), expected, "{case}");
        assert_eq!(summary.verification_body_id, for_body.then_some(parties.body), "{case}");
        let name = for_body.then(|| "Verifier 核查机构".to_owned());
        assert_eq!(summary.verification_body_name, name, "{case}");
    }
}

on_both_databases_at_migration!(footprint_sign_offs_before_0008_are_backfilled_from_the_audit_log, 7);
async fn footprint_sign_offs_before_0008_are_backfilled_from_the_audit_log(test: TestDatabase) {
    let t0 = tanji_testkit::start_time();
    let parties = parties(&test).await;
    engagements(&test, &parties).await;
    let cases = cases(&parties, t0);
    let organisation = parties.organisation.to_string();

    // One product and model, one footprint per case, each published: rows as 0003–0007 stored them. The backfill
    // reads none of the JSON, so it stays minimal.
    let mut connection = test.connection().await;
    let (product, model) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
    sqlx::query(
        "INSERT INTO products (id, organisation_id, sku, name_zh, name_en, created_at, created_by) \
         VALUES ($1, $2, 'CUP-1', '杯', 'Cup', $3, 'an editor')",
    )
    .bind(&product)
    .bind(&organisation)
    .bind(stored(t0 - hours(48)))
    .execute(&mut connection)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO product_models (id, organisation_id, product_id, version, model_json, note, created_at, \
         created_by) VALUES ($1, $2, $3, 1, '{}', 'first', $4, 'an editor')",
    )
    .bind(&model)
    .bind(&organisation)
    .bind(&product)
    .bind(stored(t0 - hours(48)))
    .execute(&mut connection)
    .await
    .unwrap();
    let mut footprints = Vec::new();
    for (index, (_, sign_off, _)) in cases.iter().enumerate() {
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO footprints (id, organisation_id, product_id, model_id, model_version, total_kg_co2e, \
             result_json, computed_at, computed_by, verified_at, verified_by, verifier_organisation, \
             verification_statement) VALUES ($1, $2, $3, $4, 1, 0.02, '{}', $5, 'an editor', $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&organisation)
        .bind(&product)
        .bind(&model)
        .bind(stored(t0 - hours(48)))
        .bind(sign_off.map(|(_, at)| stored(at)))
        .bind(sign_off.map(|_| "a signer".to_owned()))
        .bind(sign_off.map(|_| "Typed Body Name".to_owned()))
        .bind(sign_off.map(|_| "Verified.".to_owned()))
        .execute(&mut connection)
        .await
        .unwrap();
        if let Some(sign_off) = *sign_off {
            sign_off_audit_entry(&mut connection, parties.organisation, "footprint.verified", &id, sign_off).await;
        }
        sqlx::query(
            "INSERT INTO label_publications (id, organisation_id, product_id, footprint_id, sequence, code, version, \
             published_at, content_json, sign_off_json, content_hash, previous_hash, record_hash, published_by) \
             VALUES ($1, $2, $3, $4, $5, 'ABCD-EFGH', $5, $6, '{}', $7, 'c', 'p', 'r', 'an editor')",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&organisation)
        .bind(&product)
        .bind(&id)
        .bind(index as i64 + 1)
        .bind(stored(t0 + hours(6)))
        .bind(sign_off.map(|_| "{}".to_owned()))
        .execute(&mut connection)
        .await
        .unwrap();
        footprints.push(id);
    }

    test.store.migrate().await.unwrap();

    for ((case, _, for_body), id) in cases.iter().zip(&footprints) {
        let body = for_body.then(|| parties.body.to_string());
        let (footprint_body,): (Option<String>,) =
            sqlx::query_as("SELECT verification_body_id FROM footprints WHERE id = $1")
                .bind(id)
                .fetch_one(&mut connection)
                .await
                .unwrap();
        assert_eq!(footprint_body, body, "footprint: {case}");
        let (publication_body,): (Option<String>,) =
            sqlx::query_as("SELECT verification_body_id FROM label_publications WHERE footprint_id = $1")
                .bind(id)
                .fetch_one(&mut connection)
                .await
                .unwrap();
        assert_eq!(publication_body, body, "its publication: {case}");
    }
    connection.close().await.unwrap();
}
