//! Facilities of the actor's organisation.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use tanji_tenancy::audit::{AuditAction, field_changes};
use tanji_tenancy::facility::{Facility, FacilityDetails, FacilityKind};
use tanji_tenancy::organisation::CountryCode;
use tanji_tenancy::region::SubdivisionCode;
use tanji_tenancy::{Actor, FacilityId, Permission};

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::{Conflict, Store, StoreError, new_id};

const FACILITY_COLUMNS: &str = "id, organisation_id, name, code, kind, country, subdivision, city, address, archived_at, created_at, updated_at, \
     name_en";

fn facility_from_row(row: &AnyRow) -> anyhow::Result<Facility> {
    let country = CountryCode::parse("country", &row.text("country")?)?;
    let subdivision = match row.optional_text("subdivision")? {
        Some(code) => Some(SubdivisionCode::parse("subdivision", &code, &country)?),
        None => None,
    };
    Ok(Facility {
        id: row.id("id")?,
        organisation_id: row.id("organisation_id")?,
        details: FacilityDetails {
            name: row.text("name")?,
            code: row.optional_text("code")?,
            kind: FacilityKind::parse("kind", &row.text("kind")?)?,
            country,
            subdivision,
            city: row.optional_text("city")?,
            address: row.optional_text("address")?,
            name_en: row.optional_text("name_en")?,
        },
        archived: row.optional_text("archived_at")?.is_some(),
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn facility_conflict(error: sqlx::Error) -> StoreError {
    match violated_unique_index(
        &error,
        &[
            ("facilities_name_key", "facilities.organisation_id, facilities.name"),
            ("facilities_code_key", "facilities.organisation_id, facilities.code"),
        ],
    ) {
        Some("facilities_name_key") => Conflict::FacilityName.into(),
        Some(_) => Conflict::FacilityCode.into(),
        None => error.into(),
    }
}

fn detail_fields(details: &FacilityDetails) -> [(&'static str, Option<String>); 8] {
    [
        ("name", Some(details.name.clone())),
        ("name_en", details.name_en.clone()),
        ("code", details.code.clone()),
        ("kind", Some(details.kind.to_string())),
        ("country", Some(details.country.as_str().to_owned())),
        ("subdivision", details.subdivision.as_ref().map(|code| code.as_str().to_owned())),
        ("city", details.city.clone()),
        ("address", details.address.clone()),
    ]
}

impl Store {
    /// The actor's organisation's facilities, by name; archived ones only when asked for.
    pub async fn list_facilities(&self, actor: &Actor, include_archived: bool) -> Result<Vec<Facility>, StoreError> {
        actor.require(Permission::ViewFacilities)?;
        let archived_filter = if include_archived { "" } else { " AND archived_at IS NULL" };
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {FACILITY_COLUMNS} FROM facilities WHERE organisation_id = $1{archived_filter} ORDER BY name"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(facility_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// One facility of the actor's organisation.
    pub async fn facility(&self, actor: &Actor, id: FacilityId) -> Result<Facility, StoreError> {
        actor.require(Permission::ViewFacilities)?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {FACILITY_COLUMNS} FROM facilities WHERE id = $1 AND organisation_id = $2"
        )))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(facility_from_row(&row)?)
    }

    /// Registers a facility for the actor's organisation. Owners and editors.
    pub async fn create_facility(&self, actor: &Actor, details: &FacilityDetails) -> Result<Facility, StoreError> {
        actor.require(Permission::EditFacilities)?;
        let now = self.now();
        let facility = Facility {
            id: FacilityId::from_uuid(new_id()),
            organisation_id: actor.organisation_id,
            details: details.clone(),
            archived: false,
            created_at: now,
            updated_at: now,
        };
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query(
            "INSERT INTO facilities (id, organisation_id, name, code, kind, country, subdivision, city, address, \
             created_at, updated_at, name_en) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
        )
        .bind(facility.id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(&details.name)
        .bind(details.code.clone())
        .bind(details.kind.as_str())
        .bind(details.country.as_str())
        .bind(details.subdivision.as_ref().map(|code| code.as_str().to_owned()))
        .bind(details.city.clone())
        .bind(details.address.clone())
        .bind(time_to_db(now))
        .bind(details.name_en.clone())
        .execute(&mut *transaction)
        .await
        .map_err(facility_conflict)?;
        let empty: Vec<(&str, Option<String>)> =
            detail_fields(details).iter().map(|(field, _)| (*field, None)).collect();
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::FacilityCreated,
                object_id: Some(facility.id.to_string()),
                object_label: &details.name,
                changes: field_changes(&empty, &detail_fields(details)),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(facility)
    }

    /// Changes a facility's details. Owners and editors.
    pub async fn update_facility(
        &self,
        actor: &Actor,
        id: FacilityId,
        details: &FacilityDetails,
    ) -> Result<Facility, StoreError> {
        actor.require(Permission::EditFacilities)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let before = self.facility_in(&mut transaction, actor, id).await?;
        let changes = field_changes(&detail_fields(&before.details), &detail_fields(details));
        if changes.is_empty() {
            return Ok(before);
        }
        sqlx::query(
            "UPDATE facilities SET name = $1, code = $2, kind = $3, country = $4, subdivision = $5, city = $6, \
             address = $7, updated_at = $8, name_en = $11 WHERE id = $9 AND organisation_id = $10",
        )
        .bind(&details.name)
        .bind(details.code.clone())
        .bind(details.kind.as_str())
        .bind(details.country.as_str())
        .bind(details.subdivision.as_ref().map(|code| code.as_str().to_owned()))
        .bind(details.city.clone())
        .bind(details.address.clone())
        .bind(time_to_db(now))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(details.name_en.clone())
        .execute(&mut *transaction)
        .await
        .map_err(facility_conflict)?;
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::FacilityUpdated,
                object_id: Some(id.to_string()),
                object_label: &details.name,
                changes,
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(Facility { details: details.clone(), updated_at: now, ..before })
    }

    /// Archives a facility (closed, sold) or restores an archived one. Its history stays. Owners and editors.
    pub async fn set_facility_archived(
        &self,
        actor: &Actor,
        id: FacilityId,
        archived: bool,
    ) -> Result<Facility, StoreError> {
        actor.require(Permission::EditFacilities)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let before = self.facility_in(&mut transaction, actor, id).await?;
        if before.archived == archived {
            return Err(Conflict::AlreadyDone.into());
        }
        let state_filter = if archived { "archived_at IS NULL" } else { "archived_at IS NOT NULL" };
        let changed = sqlx::query(AssertSqlSafe(format!(
            "UPDATE facilities SET archived_at = $1, updated_at = $2 WHERE id = $3 AND organisation_id = $4 AND {state_filter}"
        )))
        .bind(archived.then(|| time_to_db(now)))
        .bind(time_to_db(now))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .execute(&mut *transaction)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: if archived { AuditAction::FacilityArchived } else { AuditAction::FacilityRestored },
                object_id: Some(id.to_string()),
                object_label: &before.details.name,
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(Facility { archived, updated_at: now, ..before })
    }

    async fn facility_in(
        &self,
        transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        id: FacilityId,
    ) -> Result<Facility, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {FACILITY_COLUMNS} FROM facilities WHERE id = $1 AND organisation_id = $2"
        )))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&mut **transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(facility_from_row(&row)?)
    }
}
