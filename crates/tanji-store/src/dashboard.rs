//! Figures for the overview dashboard and the platform operator's tenant directory.

use jiff::SignedDuration;
use tanji_tenancy::facility::FacilityKind;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::Organisation;
use tanji_tenancy::{Actor, Permission};

use crate::database::{RowExt, time_to_db};
use crate::organisations::{ORGANISATION_COLUMNS, organisation_from_row};
use crate::supplier_shares::StoredFigures;
use crate::{Store, StoreError};
use sqlx::AssertSqlSafe;

/// How many audit entries were recorded on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailyCount {
    /// The day, `YYYY-MM-DD` in UTC.
    pub date: String,
    /// The number of entries.
    pub count: i64,
}

/// What the overview dashboard shows about the actor's organisation.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    /// Facilities in use, by kind.
    pub facilities_by_kind: Vec<(FacilityKind, i64)>,
    /// Facilities in use, by subdivision code (`None`: not given).
    pub facilities_by_subdivision: Vec<(Option<String>, i64)>,
    /// Members, by role.
    pub members_by_role: Vec<(Role, i64)>,
    /// Suppliers currently linked.
    pub n_suppliers: i64,
    /// Customers currently linked.
    pub n_customers: i64,
    /// Audit entries per day over the last 30 days, when the actor may read the audit log.
    pub activity_by_day: Option<Vec<DailyCount>>,
    /// The carbon figures the overview leads with, each present when the actor may read it.
    pub carbon: CarbonOverview,
    /// What is waiting for the actor, by what their role lets them do.
    pub waiting: Waiting,
}

/// The newest inventory version (latest reporting year, latest version of it).
#[derive(Clone, Debug, PartialEq)]
pub struct LatestInventory {
    pub id: String,
    pub reporting_year: i16,
    pub version: i64,
    pub total_location_kg: f64,
    pub total_market_kg: f64,
    /// Change of the location-based total against the base year, percent, when a base year is set.
    pub base_year_change_percent: Option<f64>,
    pub base_years: Vec<i16>,
    /// Who stands behind it: verified by an engaged body, internal review, or not signed off
    /// (`InventoryVersion::assurance`).
    pub assurance: tanji_footprint::Assurance,
    /// Records that could not be computed (the total leaves them out).
    pub n_errors: i64,
}

/// The carbon figures of the overview.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CarbonOverview {
    /// With `ViewInventory`: the newest inventory version, if one was computed.
    pub latest_inventory: Option<LatestInventory>,
    /// With `ViewFootprints`: products with at least one computed footprint.
    pub n_products_footprinted: Option<i64>,
    /// With `ViewFootprints`: carbon labels in force (newest version of each code, not withdrawn).
    pub n_labels_published: Option<i64>,
    /// With `ViewFootprints` and `ViewSupplierLinks`: published footprints suppliers share with the organisation.
    pub n_supplier_footprints: Option<i64>,
}

/// An inventory version or a footprint waiting for something, named as people know it.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitingItem {
    pub id: String,
    pub label: String,
    /// For inventories with records that could not be computed: how many.
    pub n_errors: i64,
}

/// What waits for the actor. Each list is filled only for a role that can act on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Waiting {
    /// Auditors: the newest version of each year, not yet verified.
    pub inventories_to_verify: Vec<WaitingItem>,
    /// Auditors: each product's newest footprint, not yet verified.
    pub footprints_to_verify: Vec<WaitingItem>,
    /// Owners: member invitations not yet accepted and still valid.
    pub open_member_invitations: i64,
    /// Owners and editors: supplier invitations not yet accepted and still valid.
    pub open_supplier_invitations: i64,
    /// Owners and editors: the newest version of each year with records that could not be computed.
    pub inventories_with_errors: Vec<WaitingItem>,
}

impl Waiting {
    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.inventories_to_verify.is_empty()
            && self.footprints_to_verify.is_empty()
            && self.open_member_invitations == 0
            && self.open_supplier_invitations == 0
            && self.inventories_with_errors.is_empty()
    }
}

impl Overview {
    /// Facilities in use.
    pub fn n_facilities(&self) -> i64 {
        self.facilities_by_kind.iter().map(|(_, count)| count).sum()
    }

    /// Members.
    pub fn n_members(&self) -> i64 {
        self.members_by_role.iter().map(|(_, count)| count).sum()
    }
}

/// An organisation in the platform operator's tenant directory.
#[derive(Clone, Debug)]
pub struct TenantSummary {
    /// The organisation.
    pub organisation: Organisation,
    /// How many members it has.
    pub n_members: i64,
    /// How many facilities it has in use.
    pub n_facilities: i64,
}

impl Store {
    /// The figures of the overview dashboard.
    pub async fn overview(&self, actor: &Actor) -> Result<Overview, StoreError> {
        actor.require(Permission::ViewOrganisation)?;
        let organisation_id = actor.organisation_id.to_string();
        let mut overview = Overview::default();
        if actor.may(Permission::ViewFacilities) {
            let rows = sqlx::query(
                "SELECT kind, COUNT(*) AS n FROM facilities WHERE organisation_id = $1 AND archived_at IS NULL \
                 GROUP BY kind ORDER BY n DESC, kind",
            )
            .bind(&organisation_id)
            .fetch_all(&self.pools.reader)
            .await?;
            for row in &rows {
                let kind = FacilityKind::parse("kind", &row.text("kind")?).map_err(anyhow::Error::from)?;
                overview.facilities_by_kind.push((kind, row.integer("n")?));
            }
            let rows = sqlx::query(
                "SELECT subdivision, COUNT(*) AS n FROM facilities WHERE organisation_id = $1 AND archived_at IS NULL \
                 GROUP BY subdivision ORDER BY n DESC, subdivision",
            )
            .bind(&organisation_id)
            .fetch_all(&self.pools.reader)
            .await?;
            for row in &rows {
                overview.facilities_by_subdivision.push((row.optional_text("subdivision")?, row.integer("n")?));
            }
        }
        if actor.may(Permission::ViewMembers) {
            let rows =
                sqlx::query("SELECT role, COUNT(*) AS n FROM memberships WHERE organisation_id = $1 GROUP BY role")
                    .bind(&organisation_id)
                    .fetch_all(&self.pools.reader)
                    .await?;
            for row in &rows {
                let role = Role::parse("role", &row.text("role")?).map_err(anyhow::Error::from)?;
                overview.members_by_role.push((role, row.integer("n")?));
            }
            overview.members_by_role.sort_by_key(|(role, _)| *role);
        }
        if actor.may(Permission::ViewSupplierLinks) {
            let row = sqlx::query(
                "SELECT \
                   COALESCE(SUM(CASE WHEN customer_organisation_id = $1 THEN 1 ELSE 0 END), 0) AS n_suppliers, \
                   COALESCE(SUM(CASE WHEN supplier_organisation_id = $1 THEN 1 ELSE 0 END), 0) AS n_customers \
                 FROM supplier_links WHERE ended_at IS NULL \
                   AND (customer_organisation_id = $1 OR supplier_organisation_id = $1)",
            )
            .bind(&organisation_id)
            .fetch_one(&self.pools.reader)
            .await?;
            overview.n_suppliers = row.integer("n_suppliers")?;
            overview.n_customers = row.integer("n_customers")?;
        }
        if actor.may(Permission::ViewAuditLog) {
            let since = self.now() - SignedDuration::from_hours(29 * 24);
            let since_day = time_to_db(since)[..10].to_owned();
            let rows = sqlx::query(
                "SELECT SUBSTR(occurred_at, 1, 10) AS day, COUNT(*) AS n FROM audit_events \
                 WHERE organisation_id = $1 AND occurred_at >= $2 GROUP BY SUBSTR(occurred_at, 1, 10) ORDER BY day",
            )
            .bind(&organisation_id)
            .bind(&since_day)
            .fetch_all(&self.pools.reader)
            .await?;
            let counts: Vec<DailyCount> = rows
                .iter()
                .map(|row| Ok(DailyCount { date: row.text("day")?, count: row.integer("n")? }))
                .collect::<anyhow::Result<_>>()?;
            overview.activity_by_day = Some(fill_missing_days(since, 30, &counts));
        }
        overview.carbon = self.carbon_overview(actor).await?;
        overview.waiting = self.waiting_for(actor).await?;
        Ok(overview)
    }

    async fn carbon_overview(&self, actor: &Actor) -> Result<CarbonOverview, StoreError> {
        let organisation_id = actor.organisation_id.to_string();
        let mut carbon = CarbonOverview::default();
        if actor.may(Permission::ViewInventory) {
            let row = sqlx::query(
                "SELECT id, reporting_year, version, total_location_kg, total_market_kg, n_errors, verified_at, \
                 verification_body_id, result_json FROM inventory_versions WHERE organisation_id = $1 \
                 ORDER BY reporting_year DESC, version DESC LIMIT 1",
            )
            .bind(&organisation_id)
            .fetch_optional(&self.pools.reader)
            .await?;
            if let Some(row) = row {
                use sqlx::Row;
                let figures = StoredFigures::read(&row.text("result_json")?)?;
                carbon.latest_inventory = Some(LatestInventory {
                    id: row.text("id")?,
                    reporting_year: i16::try_from(row.integer("reporting_year")?).unwrap_or_default(),
                    version: row.integer("version")?,
                    total_location_kg: row.try_get::<f64, _>("total_location_kg")?,
                    total_market_kg: row.try_get::<f64, _>("total_market_kg")?,
                    base_year_change_percent: figures.base_year_change_percent(),
                    base_years: figures.base_years(),
                    assurance: crate::inventory::assurance_of(
                        row.optional_time("verified_at")?,
                        row.optional_id("verification_body_id")?,
                    ),
                    n_errors: row.integer("n_errors")?,
                });
            }
        }
        if actor.may(Permission::ViewFootprints) {
            let row = sqlx::query(
                "SELECT (SELECT COUNT(DISTINCT f.product_id) FROM footprints f WHERE f.organisation_id = $1 \
                   AND NOT EXISTS (SELECT 1 FROM products b WHERE b.baseline_product_id = f.product_id)) AS n_products, \
                   (SELECT COUNT(*) FROM label_publications p WHERE p.organisation_id = $1 AND p.withdrawn_at IS NULL \
                      AND p.version = (SELECT MAX(q.version) FROM label_publications q WHERE q.code = p.code)) \
                   AS n_labels",
            )
            .bind(&organisation_id)
            .fetch_one(&self.pools.reader)
            .await?;
            carbon.n_products_footprinted = Some(row.integer("n_products")?);
            carbon.n_labels_published = Some(row.integer("n_labels")?);
            if actor.may(Permission::ViewSupplierLinks) {
                carbon.n_supplier_footprints = Some(self.shared_footprints(actor).await?.len() as i64);
            }
        }
        Ok(carbon)
    }

    async fn waiting_for(&self, actor: &Actor) -> Result<Waiting, StoreError> {
        let organisation_id = actor.organisation_id.to_string();
        let mut waiting = Waiting::default();
        // The newest version of each reporting year: the one a verifier signs and an editor fixes.
        let newest_versions = |condition: &str| {
            format!(
                "SELECT v.id, v.reporting_year, v.version, v.n_errors FROM inventory_versions v \
                 WHERE v.organisation_id = $1 AND {condition} AND v.version = (SELECT MAX(w.version) \
                   FROM inventory_versions w WHERE w.organisation_id = v.organisation_id \
                   AND w.reporting_year = v.reporting_year) \
                 ORDER BY v.reporting_year DESC"
            )
        };
        let inventory_items = |rows: Vec<sqlx::any::AnyRow>| -> Result<Vec<WaitingItem>, StoreError> {
            rows.iter()
                .map(|row| {
                    Ok(WaitingItem {
                        id: row.text("id")?,
                        label: format!("{} v{}", row.integer("reporting_year")?, row.integer("version")?),
                        n_errors: row.integer("n_errors")?,
                    })
                })
                .collect::<anyhow::Result<_>>()
                .map_err(StoreError::from)
        };
        if actor.may(Permission::VerifyInventory) {
            let rows = sqlx::query(AssertSqlSafe(newest_versions("v.verified_at IS NULL")))
                .bind(&organisation_id)
                .fetch_all(&self.pools.reader)
                .await?;
            waiting.inventories_to_verify = inventory_items(rows)?;
        }
        if actor.may(Permission::EditInventory) {
            let rows = sqlx::query(AssertSqlSafe(newest_versions("v.n_errors > 0")))
                .bind(&organisation_id)
                .fetch_all(&self.pools.reader)
                .await?;
            waiting.inventories_with_errors = inventory_items(rows)?;
        }
        if actor.may(Permission::VerifyFootprints) {
            let rows = sqlx::query(
                "SELECT f.id, p.sku, f.model_version FROM footprints f JOIN products p ON p.id = f.product_id \
                 WHERE f.organisation_id = $1 AND f.verified_at IS NULL AND f.computed_at = (SELECT MAX(g.computed_at) \
                   FROM footprints g WHERE g.product_id = f.product_id) \
                   AND NOT EXISTS (SELECT 1 FROM products b WHERE b.baseline_product_id = p.id) \
                 ORDER BY p.sku",
            )
            .bind(&organisation_id)
            .fetch_all(&self.pools.reader)
            .await?;
            waiting.footprints_to_verify = rows
                .iter()
                .map(|row| {
                    Ok(WaitingItem {
                        id: row.text("id")?,
                        label: format!("{} v{}", row.text("sku")?, row.integer("model_version")?),
                        n_errors: 0,
                    })
                })
                .collect::<anyhow::Result<_>>()?;
        }
        let now = time_to_db(self.now());
        if actor.may(Permission::ManageMembers) {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM member_invitations WHERE organisation_id = $1 AND accepted_at IS NULL \
                 AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(&organisation_id)
            .bind(&now)
            .fetch_one(&self.pools.reader)
            .await?;
            waiting.open_member_invitations = row.integer("n")?;
        }
        if actor.may(Permission::ManageSuppliers) {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM supplier_invitations WHERE customer_organisation_id = $1 \
                 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(&organisation_id)
            .bind(&now)
            .fetch_one(&self.pools.reader)
            .await?;
            waiting.open_supplier_invitations = row.integer("n")?;
        }
        Ok(waiting)
    }

    /// Every organisation on the platform with its size. Platform operator owners only.
    pub async fn list_tenants(&self, actor: &Actor) -> Result<Vec<TenantSummary>, StoreError> {
        actor.require(Permission::ManageTenants)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ORGANISATION_COLUMNS}, \
               (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = organisations.id) AS n_members, \
               (SELECT COUNT(*) FROM facilities f WHERE f.organisation_id = organisations.id \
                  AND f.archived_at IS NULL) AS n_facilities \
             FROM organisations ORDER BY kind, name"
        )))
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TenantSummary {
                    organisation: organisation_from_row(row)?,
                    n_members: row.integer("n_members")?,
                    n_facilities: row.integer("n_facilities")?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }
}

/// Expands sparse daily counts to one entry per day for `n_days` days from `since`, with zeros where nothing happened,
/// so charts show quiet days instead of skipping them.
fn fill_missing_days(since: jiff::Timestamp, n_days: i64, counts: &[DailyCount]) -> Vec<DailyCount> {
    (0..n_days)
        .map(|day_idx| {
            let date = time_to_db(since + SignedDuration::from_hours(24 * day_idx))[..10].to_owned();
            let count = counts.iter().find(|daily| daily.date == date).map_or(0, |daily| daily.count);
            DailyCount { date, count }
        })
        .collect()
}
