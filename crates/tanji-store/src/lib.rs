//! Storage adapter: the one place that reads and writes tanji's data, on embedded SQLite or on PostgreSQL.
//!
//! Tenant isolation is enforced here, not in the web handlers: every method that touches an organisation's data
//! takes the [`Actor`](tanji_tenancy::Actor) making the request, checks the actor's permission, and confines its SQL
//! to `actor.organisation_id`. An object of another organisation is reported as [`StoreError::NotFound`], exactly
//! like an object that does not exist.
//!
//! Every change, together with its audit-log entry, is one transaction: a failed request leaves nothing behind.
//!
//! Methods are grouped by what they manage, one module each; all hang off [`Store`].

pub mod account_campaigns;
pub mod account_events;
pub mod account_ledger;
pub mod account_links;
pub mod account_methodologies;
pub mod account_sub_platforms;
mod audit;
mod clock;
pub mod credentials;
mod dashboard;
mod database;
pub mod energy;
pub mod energy_analysis;
pub mod energy_chain;
pub mod energy_recent;
pub mod energy_site;
pub mod energy_weather;
mod error;
mod facilities;
mod inventory;
mod member_invitations;
mod members;
mod organisations;
pub mod pact;
mod products;
mod sessions;
pub mod supplier_assessment;
mod supplier_links;
mod supplier_shares;
mod tokens;
mod verification;

pub use audit::{AuditQuery, EnergyObjectFacility};
pub use clock::{Clock, ManualClock, SystemClock};
pub use dashboard::{CarbonOverview, DailyCount, LatestInventory, Overview, TenantSummary, Waiting, WaitingItem};
pub use database::{Backend, redact_url};
pub use error::{Conflict, StoreError};
pub use inventory::{
    ActivityEntry, FacilityBoundaryView, InventoryRequest, InventoryVersion, InventoryVersionSummary, StoredActivity,
};
pub use member_invitations::{InvitationForInvitee, NewInvitedAccount};
pub use members::NewMember;
pub use products::{
    ModelVersion, NewProduct, Product, PublicChain, PublicLabel, Publication, StoredFootprint, StoredPublication,
};
pub use sessions::{LoginOutcome, NewSession, SESSION_LIFETIME, SessionContext};
pub use supplier_links::{InvitationPreview, NewSupplierOwner};
pub use supplier_shares::{SharedFootprint, SharedInventory, SharedInventorySummary, SupplierView};
pub use tokens::NewToken;
pub use verification::{VerificationBody, VerificationEngagement};

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use anyhow::Context;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use database::Pools;

/// The migrations, embedded in the binary, in order. They run unchanged on SQLite and PostgreSQL. A migration, once
/// released, is never edited: sqlx refuses to start on a database whose applied migration's checksum differs.
const MIGRATIONS: [(i64, &str, &str); 22] = [
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "inventory", include_str!("../migrations/0002_inventory.sql")),
    (3, "products", include_str!("../migrations/0003_products.sql")),
    (4, "member_invitations", include_str!("../migrations/0004_member_invitations.sql")),
    (5, "inventory_completeness", include_str!("../migrations/0005_inventory_completeness.sql")),
    (6, "supplier_shares", include_str!("../migrations/0006_supplier_shares.sql")),
    (7, "verification_bodies", include_str!("../migrations/0007_verification_bodies.sql")),
    (8, "sign_off_verification_body", include_str!("../migrations/0008_sign_off_verification_body.sql")),
    (9, "inventory_verification_body", include_str!("../migrations/0009_inventory_verification_body.sql")),
    (10, "energy_readings", include_str!("../migrations/0010_energy_readings.sql")),
    (11, "energy_sites", include_str!("../migrations/0011_energy_sites.sql")),
    (12, "energy_weather", include_str!("../migrations/0012_energy_weather.sql")),
    (13, "energy_chain_parent_meters", include_str!("../migrations/0013_energy_chain_parent_meters.sql")),
    (14, "energy_data_version", include_str!("../migrations/0014_energy_data_version.sql")),
    (15, "account_ledger", include_str!("../migrations/0015_account_ledger.sql")),
    (16, "account_onboarding", include_str!("../migrations/0016_account_onboarding.sql")),
    (17, "energy_site_sources_zh", include_str!("../migrations/0017_energy_site_sources_zh.sql")),
    (18, "account_events", include_str!("../migrations/0018_account_events.sql")),
    (19, "account_campaigns", include_str!("../migrations/0019_account_campaigns.sql")),
    (20, "supplier_assessment", include_str!("../migrations/0020_supplier_assessment.sql")),
    (21, "pact_exchange", include_str!("../migrations/0021_pact_exchange.sql")),
    (22, "energy_weather_labels_zh", include_str!("../migrations/0022_energy_weather_labels_zh.sql")),
];

static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(*version, Cow::Borrowed(*description), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
});

/// A handle on the database. Cheap to clone; clones share the connection pools.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
    clock: Arc<dyn Clock>,
    /// Analyses of energy sites, shared by the clones of this store (see `energy_analysis`).
    analysis_cache: Arc<energy_analysis::AnalysisCache>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Store").field("backend", &self.pools.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Connects to the database at `url` (`sqlite://…` or `postgres://…`) without changing its schema.
    pub async fn connect(url: &str, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let pools = Pools::connect(url).await?;
        Ok(Self { pools, clock, analysis_cache: Arc::default() })
    }

    /// Connects and brings the schema up to date: the usual way to open a store.
    pub async fn open(url: &str, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let store = Self::connect(url, clock).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations that have not run yet. Each migration runs in its own transaction.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        MIGRATOR.run(&self.pools.writer).await.context("applying database migrations")?;
        Ok(())
    }

    /// Applies the migrations that have not run yet up to and including `last_version`, and none after it. The
    /// test kit uses it to test a migration's backfill: a fresh database is brought to the schema before the
    /// migration, given data of that shape, then [`Store::migrate`]d. The store's methods expect the current schema,
    /// so a store stopped short of it is only for writing such data.
    pub async fn migrate_up_to(&self, last_version: i64) -> anyhow::Result<()> {
        MIGRATOR
            .run_to(last_version, &self.pools.writer)
            .await
            .with_context(|| format!("applying database migrations up to {last_version}"))?;
        Ok(())
    }

    /// The migrations embedded in this binary, as `(version, description)`.
    pub fn known_migrations() -> Vec<(i64, String)> {
        MIGRATOR.iter().map(|migration| (migration.version, migration.description.to_string())).collect()
    }

    /// Versions of the migrations already applied to the database.
    pub async fn applied_migrations(&self) -> anyhow::Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&self.pools.reader)
            .await
            .context("reading the applied migrations")?;
        Ok(rows.into_iter().map(|(version,)| version).collect())
    }

    /// Checks that the database answers and its schema is current; used by `/readyz`.
    pub async fn check_ready(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pools.reader).await.context("querying the database")?;
        let applied = self.applied_migrations().await?;
        let missing: Vec<i64> = Self::known_migrations()
            .into_iter()
            .map(|(version, _)| version)
            .filter(|version| !applied.contains(version))
            .collect();
        anyhow::ensure!(missing.is_empty(), "migrations not applied: {missing:?}; run `tanji migrate`");
        Ok(())
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.pools.backend
    }

    /// The clock the store stamps changes with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Closes the connections, waiting for queries in flight.
    pub async fn close(&self) {
        self.pools.close().await;
    }

    fn now(&self) -> jiff::Timestamp {
        database::stored_precision(self.clock.now())
    }
}

/// Mints a new time-ordered identifier.
fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
