//! Runs each storage test body against SQLite, and against PostgreSQL when `TANJI_TEST_POSTGRES_URL` is set.
//!
//! Every test gets a database of its own: a fresh SQLite file in a temporary directory, or a fresh PostgreSQL
//! database created on the server named by the URL and dropped afterwards.

use std::future::Future;
use std::sync::Arc;

use jiff::Timestamp;
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor};
use tanji_store::{ManualClock, Store};

/// The environment variable naming the PostgreSQL server for the PostgreSQL half of the suite.
pub const POSTGRES_URL_VARIABLE: &str = "TANJI_TEST_POSTGRES_URL";

/// A store on a fresh database, with a clock the test controls.
pub struct TestStore {
    pub store: Store,
    pub clock: Arc<ManualClock>,
}

/// The time every test starts at.
pub fn start_time() -> Timestamp {
    "2026-03-02T08:00:00Z".parse().unwrap()
}

pub async fn run_on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(TestStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let directory = tempfile::tempdir().expect("creating a temporary directory");
    let url = format!("sqlite://{}?mode=rwc", directory.path().join("tanji.sqlite").display());
    let clock = Arc::new(ManualClock::new(start_time()));
    let store = Store::open(&url, clock.clone()).await.expect("opening a fresh SQLite store");
    body(TestStore { store: store.clone(), clock }).await;
    store.close().await;
}

/// Whether PostgreSQL tests must run: set in CI, so that a missing URL fails instead of skipping silently.
fn postgres_required() -> bool {
    std::env::var_os("TANJI_TEST_REQUIRE_POSTGRES").is_some()
}

pub async fn run_on_postgres<F, Fut>(body: F)
where
    F: FnOnce(TestStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(server_url) = std::env::var(POSTGRES_URL_VARIABLE).ok().filter(|url| !url.is_empty()) else {
        assert!(!postgres_required(), "TANJI_TEST_REQUIRE_POSTGRES is set but {POSTGRES_URL_VARIABLE} is not");
        eprintln!("note: {POSTGRES_URL_VARIABLE} is not set; the PostgreSQL half of this test did not run");
        return;
    };
    let database = TemporaryPostgresDatabase::create(&server_url).await;
    let clock = Arc::new(ManualClock::new(start_time()));
    let store = Store::open(&database.url, clock.clone()).await.expect("opening a fresh PostgreSQL store");
    body(TestStore { store: store.clone(), clock }).await;
    store.close().await;
    database.drop().await;
}

/// A database created for one test on the PostgreSQL server at a given URL.
pub struct TemporaryPostgresDatabase {
    server_url: String,
    name: String,
    pub url: String,
}

impl TemporaryPostgresDatabase {
    pub async fn create(server_url: &str) -> Self {
        sqlx::any::install_default_drivers();
        let name = format!("tanji_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = AnyConnection::connect(server_url).await.unwrap_or_else(|error| {
            panic!("{POSTGRES_URL_VARIABLE}={server_url} is set but the server cannot be reached: {error}")
        });
        admin.execute(AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("creating a test database");
        admin.close().await.ok();
        let url = replace_database(server_url, &name);
        Self { server_url: server_url.to_owned(), name, url }
    }

    pub async fn drop(self) {
        let mut admin = AnyConnection::connect(&self.server_url).await.expect("reconnecting to drop the test database");
        admin
            .execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)))
            .await
            .expect("dropping the test database");
        admin.close().await.ok();
    }
}

/// `postgres://user@host:5432/test?x=y` with the database `test` replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = without_query.find("://").map_or(0, |index| index + 3);
    let base = match without_query[authority_start..].find('/') {
        Some(slash) => &without_query[..authority_start + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// Declares a storage test: `storage_test!(name);` runs `async fn name(test: TestStore)` on both databases.
#[macro_export]
macro_rules! storage_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::harness::run_on_sqlite(super::$name).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::harness::run_on_postgres(super::$name).await
            }
        }
    };
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(replace_database("postgres://u:p@h/test?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
    assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
}
