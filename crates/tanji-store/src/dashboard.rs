//! Figures for the overview dashboard and the platform operator's tenant directory.

use jiff::SignedDuration;
use tanji_tenancy::facility::FacilityKind;
use tanji_tenancy::member::Role;
use tanji_tenancy::organisation::Organisation;
use tanji_tenancy::{Actor, Permission};

use crate::database::{RowExt, time_to_db};
use crate::organisations::{ORGANISATION_COLUMNS, organisation_from_row};
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
        Ok(overview)
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
