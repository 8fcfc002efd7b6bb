//! Test support for the adapters: every test gets a database of its own, on SQLite or PostgreSQL.
//!
//! SQLite: a fresh file in a temporary directory. PostgreSQL: a fresh database created on the server named by
//! `TANJI_TEST_POSTGRES_URL` and dropped afterwards. When that variable is unset the PostgreSQL half of a test does
//! not run — unless `TANJI_TEST_REQUIRE_POSTGRES` is set (as `.ci/run` does), in which case it fails, so CI can never
//! pass by skipping.

// Tests report skipped halves on stderr.
#![allow(clippy::print_stderr)]

use std::sync::Arc;

use jiff::Timestamp;
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor};
use tanji_store::{ManualClock, Store};

pub mod account;
pub mod cli;
pub mod footprint_files;
pub mod mqtt;
pub mod nats;
pub mod wait;

/// The environment variable naming the PostgreSQL server for the PostgreSQL half of the suites.
pub const POSTGRES_URL_VARIABLE: &str = "TANJI_TEST_POSTGRES_URL";
/// When set, a missing PostgreSQL URL fails the tests instead of skipping their PostgreSQL half.
pub const REQUIRE_POSTGRES_VARIABLE: &str = "TANJI_TEST_REQUIRE_POSTGRES";

/// The time every test starts at.
pub fn start_time() -> Timestamp {
    "2026-03-02T08:00:00Z".parse().expect("a valid timestamp")
}

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A fresh, migrated database for one test, with a clock the test controls.
#[derive(Clone)]
pub struct TestDatabase {
    /// The store on the database.
    pub store: Store,
    /// The store's clock.
    pub clock: Arc<ManualClock>,
    /// The connection URL, for tests that serve the app or open a second store.
    pub url: String,
}

/// Removes a test's database when the test is done.
struct Cleanup {
    store: Store,
    postgres: Option<(String, String)>,
    _sqlite_directory: Option<tempfile::TempDir>,
}

impl Cleanup {
    async fn finish(self) {
        self.store.close().await;
        if let Some((server_url, name)) = self.postgres {
            let mut admin = AnyConnection::connect(&server_url).await.expect("reconnecting to drop the test database");
            admin
                .execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                .await
                .expect("dropping the test database");
            admin.close().await.ok();
        }
    }
}

impl TestDatabase {
    /// A connection of its own to the test's database, for SQL the store has no method for: writing data in the
    /// shape of an older schema before a migration's backfill runs (see [`on_both_databases_at_migration!`]), or
    /// reading a column as stored.
    pub async fn connection(&self) -> AnyConnection {
        sqlx::any::install_default_drivers();
        AnyConnection::connect(&self.url).await.expect("connecting to the test database")
    }
}

/// How far a fresh database's schema goes: all the migrations, or those up to and including one version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schema {
    Current,
    UpTo(i64),
}

/// A fresh database on `engine`, or `None` when PostgreSQL is not configured (and not required).
async fn create(engine: Engine, schema: Schema) -> Option<(TestDatabase, Cleanup)> {
    let (url, postgres, sqlite_directory) = match engine {
        Engine::Sqlite => {
            let directory = tempfile::tempdir().expect("creating a temporary directory");
            let url = format!("sqlite://{}?mode=rwc", directory.path().join("tanji.sqlite").display());
            (url, None, Some(directory))
        }
        Engine::Postgres => {
            let Some(server_url) = std::env::var(POSTGRES_URL_VARIABLE).ok().filter(|url| !url.is_empty()) else {
                assert!(
                    std::env::var_os(REQUIRE_POSTGRES_VARIABLE).is_none(),
                    "{REQUIRE_POSTGRES_VARIABLE} is set but {POSTGRES_URL_VARIABLE} is not"
                );
                eprintln!("note: {POSTGRES_URL_VARIABLE} is not set; the PostgreSQL half of this test did not run");
                return None;
            };
            let name = create_postgres_database(&server_url).await;
            (replace_database(&server_url, &name), Some((server_url, name)), None)
        }
    };
    let clock = Arc::new(ManualClock::new(start_time()));
    let store = match schema {
        Schema::Current => Store::open(&url, clock.clone()).await.expect("opening a fresh store"),
        Schema::UpTo(last_version) => {
            let store = Store::connect(&url, clock.clone()).await.expect("connecting to a fresh database");
            store.migrate_up_to(last_version).await.expect("migrating a fresh database part of the way");
            store
        }
    };
    let cleanup = Cleanup { store: store.clone(), postgres, _sqlite_directory: sqlite_directory };
    Some((TestDatabase { store, clock, url }, cleanup))
}

async fn create_postgres_database(server_url: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("tanji_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = AnyConnection::connect(server_url).await.unwrap_or_else(|error| {
        panic!("{POSTGRES_URL_VARIABLE}={server_url} is set but the server cannot be reached: {error}")
    });
    admin.execute(AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("creating a test database");
    admin.close().await.ok();
    name
}

/// `postgres://user@host:5432/test?x=y` with the database `test` replaced by `name`.
pub fn replace_database(url: &str, name: &str) -> String {
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

/// Declares a test that runs an `async fn(TestDatabase)` body on SQLite and on PostgreSQL:
/// `on_both_databases!(facility_life_cycle);` creates `facility_life_cycle::sqlite` and `facility_life_cycle::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run(super::$name, $crate::Engine::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run(super::$name, $crate::Engine::Postgres).await
            }
        }
    };
}

/// Runs `body` on a fresh database of `engine`, then removes the database.
pub async fn run<F, Fut>(body: F, engine: Engine)
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some((database, cleanup)) = create(engine, Schema::Current).await else { return };
    body(database).await;
    cleanup.finish().await;
}

/// Declares a test of a migration's backfill that runs an `async fn(TestDatabase)` body on SQLite and on
/// PostgreSQL, on a fresh database migrated only up to and including migration `last_version`:
/// `on_both_databases_at_migration!(sign_offs_are_backfilled, 7);`. The body writes data in that schema's shape
/// (through [`TestDatabase::connection`]; the store's own methods expect the current schema), then runs
/// `test.store.migrate()` and checks what the later migrations made of it.
#[macro_export]
macro_rules! on_both_databases_at_migration {
    ($name:ident, $last_version:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run_at_migration(super::$name, $crate::Engine::Sqlite, $last_version).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run_at_migration(super::$name, $crate::Engine::Postgres, $last_version).await
            }
        }
    };
}

/// Runs `body` on a fresh database of `engine` migrated up to and including `last_version`, then removes the
/// database.
pub async fn run_at_migration<F, Fut>(body: F, engine: Engine, last_version: i64)
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some((database, cleanup)) = create(engine, Schema::UpTo(last_version)).await else { return };
    let applied = database.store.applied_migrations().await.expect("reading the applied migrations");
    assert_eq!(applied.last(), Some(&last_version), "the database stops at migration {last_version}");
    body(database).await;
    cleanup.finish().await;
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h", "x"), "postgres://h/x");
    }
}
