//! Connecting to SQLite or PostgreSQL through one code path, and the conventions every query follows.
//!
//! The store talks to both databases through sqlx's `Any` driver, with SQL that runs unchanged on both: `$1`-style
//! parameters (SQLite accepts them), only TEXT/BIGINT/DOUBLE PRECISION values, times as fixed-width text.
//!
//! SQLite allows one writer at a time. Rather than let concurrent requests collide on the file lock, the store keeps
//! two pools for SQLite: many readers, and a single writer connection whose transactions start with
//! `BEGIN IMMEDIATE`, so writes queue in the process instead of failing with "database is locked". PostgreSQL uses
//! one pool for both.

use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, bail};
use jiff::Timestamp;
use jiff::fmt::temporal::DateTimePrinter;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Row, Transaction};

/// Which database engine the store is connected to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Recognises the engine from a connection URL.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            bail!(
                "unsupported database URL {:?}\nhint: use sqlite://PATH (the default) or postgres://USER@HOST:PORT/DATABASE",
                redact_url(url)
            )
        }
    }
}

/// The pools behind a store.
#[derive(Clone, Debug)]
pub(crate) struct Pools {
    pub(crate) backend: Backend,
    pub(crate) reader: AnyPool,
    pub(crate) writer: AnyPool,
}

impl Pools {
    pub(crate) async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let shown_url = redact_url(url);
        match backend {
            Backend::Sqlite => {
                let writer = sqlite_pool(1).connect(url).await.with_context(|| format!("opening {shown_url}"))?;
                let reader = sqlite_pool(4).connect(url).await.with_context(|| format!("opening {shown_url}"))?;
                Ok(Self { backend, reader, writer })
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .with_context(|| {
                        format!("connecting to PostgreSQL at {shown_url}\nhint: check the server is running and the URL is right")
                    })?;
                Ok(Self { backend, reader: pool.clone(), writer: pool })
            }
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once, so it never fails half-way on a lock.
    pub(crate) async fn begin_write(&self) -> sqlx::Result<Transaction<'static, Any>> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    pub(crate) async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

fn sqlite_pool(max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|connection, _| {
            Box::pin(async move {
                // WAL lets readers proceed while the writer writes. synchronous=FULL makes every committed
                // transaction durable across power loss, which matters more here than the last bit of write speed.
                // foreign_keys is on by default in sqlx; set it anyway so the guarantee is visible here.
                connection
                    .execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                    .await?;
                Ok(())
            })
        })
}

/// Hides the password in a connection URL, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Formats a time for storage: UTC, microsecond precision, always six fractional digits, so text order is time order.
pub(crate) fn time_to_db(time: Timestamp) -> String {
    DateTimePrinter::new().precision(Some(6)).timestamp_to_string(&time)
}

/// Reads a time written by [`time_to_db`].
pub(crate) fn time_from_db(text: &str) -> anyhow::Result<Timestamp> {
    Timestamp::from_str(text).with_context(|| format!("stored time {text:?} is not RFC 3339"))
}

/// Truncates a time to the precision it will have once stored, so values compare equal after a round trip.
pub(crate) fn stored_precision(time: Timestamp) -> Timestamp {
    let micros = time.as_microsecond();
    Timestamp::from_microsecond(micros).expect("truncating to microseconds stays in range")
}

/// Typed column access with errors that name the column.
pub(crate) trait RowExt {
    fn text(&self, column: &str) -> anyhow::Result<String>;
    fn optional_text(&self, column: &str) -> anyhow::Result<Option<String>>;
    fn time(&self, column: &str) -> anyhow::Result<Timestamp>;
    fn optional_time(&self, column: &str) -> anyhow::Result<Option<Timestamp>>;
    fn integer(&self, column: &str) -> anyhow::Result<i64>;
    fn id<T: FromStr<Err = uuid::Error>>(&self, column: &str) -> anyhow::Result<T>;
    fn optional_id<T: FromStr<Err = uuid::Error>>(&self, column: &str) -> anyhow::Result<Option<T>>;
}

impl RowExt for AnyRow {
    fn text(&self, column: &str) -> anyhow::Result<String> {
        self.try_get::<String, _>(column).with_context(|| format!("reading column {column}"))
    }

    fn optional_text(&self, column: &str) -> anyhow::Result<Option<String>> {
        self.try_get::<Option<String>, _>(column).with_context(|| format!("reading column {column}"))
    }

    fn time(&self, column: &str) -> anyhow::Result<Timestamp> {
        time_from_db(&self.text(column)?)
    }

    fn optional_time(&self, column: &str) -> anyhow::Result<Option<Timestamp>> {
        self.optional_text(column)?.as_deref().map(time_from_db).transpose()
    }

    fn integer(&self, column: &str) -> anyhow::Result<i64> {
        self.try_get::<i64, _>(column).with_context(|| format!("reading column {column}"))
    }

    fn id<T: FromStr<Err = uuid::Error>>(&self, column: &str) -> anyhow::Result<T> {
        let text = self.text(column)?;
        text.parse().with_context(|| format!("column {column} holds {text:?}, not a UUID"))
    }

    fn optional_id<T: FromStr<Err = uuid::Error>>(&self, column: &str) -> anyhow::Result<Option<T>> {
        match self.optional_text(column)? {
            None => Ok(None),
            Some(text) => text.parse().map(Some).with_context(|| format!("column {column} holds {text:?}, not a UUID")),
        }
    }
}

/// The name of the unique index a failed statement violated, if that is why it failed.
///
/// PostgreSQL reports the index name. SQLite reports the columns instead ("UNIQUE constraint failed:
/// facilities.organisation_id, facilities.name"), so the caller lists, for each index it expects, the columns SQLite
/// would name.
pub(crate) fn violated_unique_index(error: &sqlx::Error, candidates: &[(&'static str, &str)]) -> Option<&'static str> {
    let database_error = error.as_database_error()?;
    if !database_error.is_unique_violation() {
        return None;
    }
    if let Some(constraint) = database_error.constraint() {
        return candidates.iter().find(|(index, _)| *index == constraint).map(|(index, _)| *index);
    }
    let message = database_error.message();
    candidates.iter().find(|(_, sqlite_columns)| message.ends_with(sqlite_columns)).map(|(index, _)| *index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://tanji:s3cret@db:5432/tanji"), "postgres://tanji:***@db:5432/tanji");
        assert_eq!(redact_url("postgres://tanji@db/tanji"), "postgres://tanji@db/tanji");
        assert_eq!(redact_url("sqlite://data/tanji.sqlite"), "sqlite://data/tanji.sqlite");
    }

    #[test]
    fn stored_times_sort_as_text() {
        let earlier = Timestamp::from_second(1_800_000_000).unwrap();
        let later = earlier + jiff::SignedDuration::from_micros(1);
        assert_eq!(time_to_db(earlier), "2027-01-15T08:00:00.000000Z");
        assert!(time_to_db(earlier) < time_to_db(later));
        assert_eq!(time_from_db(&time_to_db(later)).unwrap(), later);
    }

    #[test]
    fn backends_are_recognised_by_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgresql://h/d").unwrap(), Backend::Postgres);
        assert!(Backend::from_url("mysql://h/d").is_err());
    }
}
