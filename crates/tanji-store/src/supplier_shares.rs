//! What suppliers share with their linked customers, and the customer's read-only view of a supplier.
//!
//! The rules are those of `tanji_tenancy::supplier_share`: a supplier's owner grants and revokes shares on a link in
//! force (both logs record it); a customer reads a supplier's data only through a link in force to it and a share in
//! force on that link, and only with the permission it needs for the same data of its own. Every read here joins the
//! link (`ended_at IS NULL`) and the share (`revoked_at IS NULL`) in SQL, so a missing link or share reads as nothing,
//! never as an error that would tell the customer what exists.
//!
//! The supplier-assessment and PACT exchange issues build on [`SupplierView`]: it is the one place that says what a
//! customer may see of a supplier.

use serde::{Deserialize, Serialize};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use tanji_footprint::PublishedFootprint;
use tanji_label::publication::VerifierSignOff;
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::supplier_link::SupplierLink;
use tanji_tenancy::supplier_share::{ShareKind, SupplierShare};
use tanji_tenancy::{Actor, Denied, OrganisationId, Permission, SupplierLinkId};

use crate::audit::{self, ChangedBy};
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::products::publication_from_row;
use crate::supplier_links::{LINK_COLUMNS, LINK_JOINS, link_from_row};
use crate::{Conflict, Store, StoreError, new_id};

/// A supplier's published footprint as a linked customer sees it: the label's public content, its code and
/// version, and the verifier's sign-off when there is one. Nothing internal to the supplier (no ids).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SharedFootprint {
    /// The link through which it is shared (the supplier's page in the customer's console).
    pub link_id: SupplierLinkId,
    /// The supplier that published it.
    pub supplier_id: OrganisationId,
    /// The supplier's name.
    pub supplier_name: String,
    /// The supplier's English name, when it gave one.
    pub supplier_name_en: Option<String>,
    /// The label code printed on the product (`VWXT-FA1G`).
    pub code: String,
    /// The label's version.
    pub version: u32,
    /// When this version was published.
    pub published_at: jiff::Timestamp,
    /// What the label says.
    pub summary: PublishedFootprint,
    /// The verifier's sign-off, when the footprint was verified before publication.
    pub sign_off: Option<VerifierSignOff>,
    /// Who stands behind it: an independent body's verification, the supplier's internal review, or nobody.
    #[serde(skip)]
    pub assurance: tanji_footprint::Assurance,
}

/// The summary of a supplier's latest verified inventory: the figures, never the activity data behind them. Only a
/// version signed off for an independent verification body counts as verified (`InventoryVersion::assurance`): one
/// reviewed by the supplier's own auditor is internal review and is never shown to a customer as verified.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SharedInventorySummary {
    pub reporting_year: i16,
    pub version: i64,
    pub scope1_kg: f64,
    pub scope2_location_kg: f64,
    pub scope2_market_kg: f64,
    pub scope3_kg: f64,
    pub total_location_kg: f64,
    pub total_market_kg: f64,
    /// The base year(s) compared against and the change of the location-based total, when a base year is set.
    pub base_years: Vec<i16>,
    pub base_year_change_percent: Option<f64>,
    pub verified_at: jiff::Timestamp,
    /// The independent verification body that verified it, by its registered name.
    pub verification_body_name: String,
}

/// A supplier's latest verified inventory summary, as its customer's inventory page lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SharedInventory {
    /// The link through which it is shared (the supplier's page).
    pub link_id: SupplierLinkId,
    pub supplier_name: String,
    pub supplier_name_en: Option<String>,
    pub summary: SharedInventorySummary,
}

/// What a customer may see of one of its suppliers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SupplierView {
    /// The link in force.
    pub link: SupplierLink,
    /// The shares in force on it.
    pub shares: Vec<SupplierShare>,
    /// The supplier's published footprints, newest version of each label, when shared (and the actor may read
    /// footprints); empty otherwise.
    pub footprints: Vec<SharedFootprint>,
    /// The supplier's latest verified inventory, when shared (and the actor may read inventories) and one exists.
    pub inventory: Option<SharedInventorySummary>,
}

impl SupplierView {
    /// Whether the supplier shares this kind of data.
    pub fn shares(&self, kind: ShareKind) -> bool {
        self.shares.iter().any(|share| share.kind == kind)
    }
}

const SHARE_COLUMNS: &str = "s.supplier_link_id, s.kind, s.granted_at, s.granted_by";

fn share_from_row(row: &AnyRow) -> anyhow::Result<SupplierShare> {
    Ok(SupplierShare {
        link_id: row.id("supplier_link_id")?,
        kind: ShareKind::parse("kind", &row.text("kind")?)?,
        granted_at: row.time("granted_at")?,
        granted_by: row.id("granted_by")?,
    })
}

/// The label columns of `label_publications p`, under their own names, for `publication_from_row`.
pub(crate) const SHARED_PUBLICATION_COLUMNS: &str = "p.id, p.product_id, p.footprint_id, p.sequence, p.code, p.version, \
     p.published_at, p.content_json, p.sign_off_json, p.content_hash, p.previous_hash, p.record_hash, \
     p.published_by, p.withdrawn_at, p.withdrawn_reason, p.verification_body_id";

/// What is read of an inventory version's stored result: only the figures a summary shows. Unknown fields are
/// ignored, so the summary keeps reading results that later versions store more in.
#[derive(Deserialize)]
pub(crate) struct StoredFigures {
    inventory: StoredInventoryFigures,
    base_year: Option<StoredBaseYear>,
}

impl StoredFigures {
    /// Reads the figures of a stored inventory result (`inventory_versions.result_json`).
    pub(crate) fn read(result_json: &str) -> Result<Self, StoreError> {
        serde_json::from_str(result_json).map_err(crate::inventory::json_error)
    }

    /// The change of the location-based total against the base year, percent, when a base year is set.
    pub(crate) fn base_year_change_percent(&self) -> Option<f64> {
        self.base_year.as_ref().and_then(|base| base.change_percent)
    }

    /// The base year(s) compared against.
    pub(crate) fn base_years(&self) -> Vec<i16> {
        self.base_year.as_ref().map(|base| base.years.iter().map(|(year, _)| *year).collect()).unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct StoredInventoryFigures {
    totals: StoredTotals,
}

#[derive(Deserialize)]
struct StoredTotals {
    scope1_kg: f64,
    scope2_location_kg: f64,
    scope2_market_kg: f64,
    scope3_kg: f64,
}

#[derive(Deserialize)]
struct StoredBaseYear {
    years: Vec<(i16, f64)>,
    change_percent: Option<f64>,
}

impl Store {
    /// The link with `id` if the actor's organisation is on either side of it and it is in force.
    async fn link_in_force(&self, actor: &Actor, id: SupplierLinkId) -> Result<SupplierLink, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {LINK_COLUMNS} {LINK_JOINS} WHERE l.id = $1 AND l.ended_at IS NULL \
             AND (l.customer_organisation_id = $2 OR l.supplier_organisation_id = $2)"
        )))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(link_from_row(&row)?)
    }

    /// The shares in force on a link of the actor's organisation (either side sees them); empty once it ended.
    pub async fn supplier_shares(
        &self,
        actor: &Actor,
        link_id: SupplierLinkId,
    ) -> Result<Vec<SupplierShare>, StoreError> {
        let link = self.link_in_force(actor, link_id).await?;
        self.shares_of(link.id).await
    }

    async fn shares_of(&self, link_id: SupplierLinkId) -> Result<Vec<SupplierShare>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SHARE_COLUMNS} FROM supplier_shares s WHERE s.supplier_link_id = $1 AND s.revoked_at IS NULL \
             ORDER BY s.kind"
        )))
        .bind(link_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(share_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Starts sharing `kind` with the customer of a link. Only the supplier side, and there only owners (the same
    /// people who accept and end customer links). Recorded in both organisations' logs.
    pub async fn grant_supplier_share(
        &self,
        actor: &Actor,
        link_id: SupplierLinkId,
        kind: ShareKind,
    ) -> Result<SupplierShare, StoreError> {
        let link = self.link_in_force(actor, link_id).await?;
        require_supplier_side(actor, &link)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query(
            "INSERT INTO supplier_shares (id, supplier_link_id, kind, granted_at, granted_by) \
             SELECT $1, $2, $3, $4, $5 WHERE EXISTS \
               (SELECT 1 FROM supplier_links WHERE id = $2 AND ended_at IS NULL)",
        )
        .bind(new_id().to_string())
        .bind(link.id.to_string())
        .bind(kind.as_str())
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&mut *transaction)
        .await
        .map_err(|error| {
            match violated_unique_index(
                &error,
                &[("supplier_shares_active_kind_key", "supplier_shares.supplier_link_id, supplier_shares.kind")],
            ) {
                Some(_) => StoreError::Conflict(Conflict::AlreadyDone),
                None => error.into(),
            }
        })
        .and_then(|done| if done.rows_affected() == 1 { Ok(()) } else { Err(StoreError::NotFound) })?;
        record_share_change(&mut transaction, actor, now, &link, AuditAction::SupplierShareGranted, kind, true).await?;
        transaction.commit().await?;
        Ok(SupplierShare {
            link_id: link.id,
            kind,
            granted_at: crate::database::stored_precision(now),
            granted_by: actor.user_id,
        })
    }

    /// Stops sharing `kind` with the customer of a link, at once. Only the supplier side's owners.
    pub async fn revoke_supplier_share(
        &self,
        actor: &Actor,
        link_id: SupplierLinkId,
        kind: ShareKind,
    ) -> Result<(), StoreError> {
        let link = self.link_in_force(actor, link_id).await?;
        require_supplier_side(actor, &link)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let revoked = sqlx::query(
            "UPDATE supplier_shares SET revoked_at = $1, revoked_by = $2 \
             WHERE supplier_link_id = $3 AND kind = $4 AND revoked_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .bind(link.id.to_string())
        .bind(kind.as_str())
        .execute(&mut *transaction)
        .await?;
        if revoked.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        record_share_change(&mut transaction, actor, now, &link, AuditAction::SupplierShareRevoked, kind, false)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// What the actor's organisation may see of the supplier on the link `link_id`: `NotFound` unless the link is in
    /// force and the actor's organisation is its customer. Shared data appears only when shared and when the actor
    /// may read that kind of data.
    pub async fn supplier_view(&self, actor: &Actor, link_id: SupplierLinkId) -> Result<SupplierView, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {LINK_COLUMNS} {LINK_JOINS} WHERE l.id = $1 AND l.customer_organisation_id = $2 \
             AND l.ended_at IS NULL"
        )))
        .bind(link_id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        let link = link_from_row(&row)?;
        let shares = self.shares_of(link.id).await?;
        let shared =
            |kind: ShareKind| shares.iter().any(|share| share.kind == kind) && actor.may(kind.permission_to_read());
        let footprints = if shared(ShareKind::PublishedFootprints) {
            self.shared_footprints_where(actor, Some(link.id)).await?
        } else {
            Vec::new()
        };
        let inventory = if shared(ShareKind::VerifiedInventorySummary) {
            self.latest_verified_inventory(actor, &link).await?
        } else {
            None
        };
        Ok(SupplierView { link, shares, footprints, inventory })
    }

    /// Every published footprint the actor's organisation's suppliers share with it, newest version of each label,
    /// by supplier and product. This is what the customer's product list shows beside its own products.
    pub async fn shared_footprints(&self, actor: &Actor) -> Result<Vec<SharedFootprint>, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        actor.require(ShareKind::PublishedFootprints.permission_to_read())?;
        self.shared_footprints_where(actor, None).await
    }

    /// The latest verified inventory summary of every supplier that shares it with the actor's organisation, by
    /// supplier name. Suppliers that share it but have no verified inventory yet are left out.
    pub async fn shared_inventories(&self, actor: &Actor) -> Result<Vec<SharedInventory>, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        actor.require(ShareKind::VerifiedInventorySummary.permission_to_read())?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {LINK_COLUMNS} {LINK_JOINS} JOIN supplier_shares sh ON sh.supplier_link_id = l.id \
             AND sh.kind = $2 AND sh.revoked_at IS NULL \
             WHERE l.customer_organisation_id = $1 AND l.ended_at IS NULL ORDER BY s.name"
        )))
        .bind(actor.organisation_id.to_string())
        .bind(ShareKind::VerifiedInventorySummary.as_str())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut inventories = Vec::new();
        for row in &rows {
            let link = link_from_row(row)?;
            if let Some(summary) = self.latest_verified_inventory(actor, &link).await? {
                inventories.push(SharedInventory {
                    link_id: link.id,
                    supplier_name: link.supplier.name.as_str().to_owned(),
                    supplier_name_en: link.supplier.name_en.as_ref().map(|name| name.as_str().to_owned()),
                    summary,
                });
            }
        }
        Ok(inventories)
    }

    async fn shared_footprints_where(
        &self,
        actor: &Actor,
        link_id: Option<SupplierLinkId>,
    ) -> Result<Vec<SharedFootprint>, StoreError> {
        let link_filter = if link_id.is_some() { " AND l.id = $3" } else { "" };
        let mut query = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SHARED_PUBLICATION_COLUMNS}, l.id AS link_id, p.organisation_id AS supplier_id, \
               o.name AS supplier_name, \
               o.name_en AS supplier_name_en \
             FROM label_publications p \
             JOIN supplier_links l ON l.supplier_organisation_id = p.organisation_id \
               AND l.customer_organisation_id = $1 AND l.ended_at IS NULL \
             JOIN supplier_shares s ON s.supplier_link_id = l.id AND s.kind = $2 AND s.revoked_at IS NULL \
             JOIN organisations o ON o.id = p.organisation_id \
             WHERE 1 = 1{link_filter} \
             ORDER BY o.name, p.code, p.version DESC"
        )))
        .bind(actor.organisation_id.to_string())
        .bind(ShareKind::PublishedFootprints.as_str());
        if let Some(link_id) = link_id {
            query = query.bind(link_id.to_string());
        }
        let rows = query.fetch_all(&self.pools.reader).await?;
        let mut footprints: Vec<SharedFootprint> = Vec::new();
        let mut seen_codes = std::collections::BTreeSet::new();
        for row in &rows {
            // A damaged record is left out (and logged), as in the supplier's own list; it must not hide the rest.
            let Ok(publication) = publication_from_row(row) else {
                tracing::error!(supplier_id = ?row.text("supplier_id").ok(), "a shared label publication cannot be read");
                continue;
            };
            let code = publication.record.code.to_string();
            // Only the newest version of each label counts, and only while it is not withdrawn.
            if !seen_codes.insert(code.clone()) || publication.withdrawn_at.is_some() {
                continue;
            }
            let Some(summary) = publication.summary() else { continue };
            footprints.push(SharedFootprint {
                link_id: row.id("link_id")?,
                supplier_id: row.id("supplier_id")?,
                supplier_name: row.text("supplier_name")?,
                supplier_name_en: row.optional_text("supplier_name_en")?,
                code,
                version: publication.record.version,
                published_at: publication.record.published_at,
                summary,
                assurance: publication.assurance(),
                sign_off: publication.record.sign_off,
            });
        }
        Ok(footprints)
    }

    async fn latest_verified_inventory(
        &self,
        actor: &Actor,
        link: &SupplierLink,
    ) -> Result<Option<SharedInventorySummary>, StoreError> {
        // The share and the link are checked again in SQL: the two reads above are not one snapshot. Only a version
        // signed off for an independent body is verified (the join on the body): a newer internally reviewed
        // version does not replace it, and is not shown.
        let row = sqlx::query(
            "SELECT v.reporting_year, v.version, v.total_location_kg, v.total_market_kg, v.verified_at, v.result_json, \
             b.name AS verification_body_name \
             FROM inventory_versions v \
             JOIN organisations b ON b.id = v.verification_body_id \
             JOIN supplier_links l ON l.supplier_organisation_id = v.organisation_id AND l.id = $1 \
               AND l.customer_organisation_id = $2 AND l.ended_at IS NULL \
             JOIN supplier_shares s ON s.supplier_link_id = l.id AND s.kind = $3 AND s.revoked_at IS NULL \
             WHERE v.verified_at IS NOT NULL \
             ORDER BY v.reporting_year DESC, v.version DESC LIMIT 1",
        )
        .bind(link.id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(ShareKind::VerifiedInventorySummary.as_str())
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let figures = StoredFigures::read(&row.text("result_json")?)?;
        let double = |column: &str| -> Result<f64, StoreError> {
            use sqlx::Row;
            Ok(row.try_get::<f64, _>(column)?)
        };
        let totals = &figures.inventory.totals;
        Ok(Some(SharedInventorySummary {
            reporting_year: i16::try_from(row.integer("reporting_year")?).unwrap_or_default(),
            version: row.integer("version")?,
            scope1_kg: totals.scope1_kg,
            scope2_location_kg: totals.scope2_location_kg,
            scope2_market_kg: totals.scope2_market_kg,
            scope3_kg: totals.scope3_kg,
            total_location_kg: double("total_location_kg")?,
            total_market_kg: double("total_market_kg")?,
            base_years: figures.base_years(),
            base_year_change_percent: figures.base_year_change_percent(),
            verified_at: row.time("verified_at")?,
            verification_body_name: row.text("verification_body_name")?,
        }))
    }
}

/// Only the supplier side of a link decides what it shares.
fn require_supplier_side(actor: &Actor, link: &SupplierLink) -> Result<(), StoreError> {
    if link.supplier.id != actor.organisation_id {
        return Err(Denied { permission: Permission::ManageCustomers }.into());
    }
    actor.require(Permission::ManageCustomers)?;
    Ok(())
}

async fn record_share_change(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    now: jiff::Timestamp,
    link: &SupplierLink,
    action: AuditAction,
    kind: ShareKind,
    granted: bool,
) -> Result<(), StoreError> {
    let change = FieldChange {
        field: "shared_data".into(),
        before: (!granted).then(|| kind.as_str().to_owned()),
        after: granted.then(|| kind.as_str().to_owned()),
    };
    audit::record_on_both_sides(
        transaction,
        ChangedBy::Actor(actor),
        now,
        [(link.customer.id, link.supplier.name.as_str()), (link.supplier.id, link.customer.name.as_str())],
        action,
        &link.id.to_string(),
        &[change],
    )
    .await
}
