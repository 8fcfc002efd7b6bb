//! The audit log: writing entries inside the transaction of the change they record, and reading them back.

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use tanji_tenancy::audit::{AuditAction, AuditEvent, FieldChange};
use tanji_tenancy::{Actor, AuditEventId, FacilityId, OrganisationId, Permission};

use crate::database::{RowExt, time_to_db};
use crate::{Store, StoreError, new_id};

/// Who is making a change, as the audit log records it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ChangedBy<'a> {
    /// A member, through the console or an API token.
    Actor(&'a Actor),
    /// A platform operator at the command line (`tanji org add`, `tanji user add`, the demo loader).
    Operator,
    /// A person registering themselves (accepting an invitation as a new supplier).
    NewUser { user_id: tanji_tenancy::UserId, label: &'a str },
}

impl ChangedBy<'_> {
    fn user_id(&self) -> Option<String> {
        match self {
            ChangedBy::Actor(actor) => Some(actor.user_id.to_string()),
            ChangedBy::Operator => None,
            ChangedBy::NewUser { user_id, .. } => Some(user_id.to_string()),
        }
    }

    fn token_id(&self) -> Option<String> {
        match self {
            ChangedBy::Actor(actor) => actor.token_id().map(|id| id.to_string()),
            ChangedBy::Operator | ChangedBy::NewUser { .. } => None,
        }
    }

    fn label(&self) -> String {
        match self {
            ChangedBy::Actor(actor) => actor.label.clone(),
            ChangedBy::Operator => "operator (command line)".to_owned(),
            ChangedBy::NewUser { label, .. } => (*label).to_owned(),
        }
    }
}

/// One entry to write.
pub(crate) struct Entry<'a> {
    pub(crate) organisation_id: OrganisationId,
    pub(crate) action: AuditAction,
    pub(crate) object_id: Option<String>,
    pub(crate) object_label: &'a str,
    pub(crate) changes: Vec<FieldChange>,
}

/// Writes `entry` within the caller's transaction.
pub(crate) async fn record(
    transaction: &mut Transaction<'static, Any>,
    by: ChangedBy<'_>,
    at: Timestamp,
    entry: Entry<'_>,
) -> Result<(), StoreError> {
    let changes = serde_json::to_string(&entry.changes).map_err(anyhow::Error::from)?;
    sqlx::query(
        "INSERT INTO audit_events (id, organisation_id, occurred_at, actor_user_id, actor_token_id, actor_label, \
         action, object_id, object_label, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id().to_string())
    .bind(entry.organisation_id.to_string())
    .bind(time_to_db(at))
    .bind(by.user_id())
    .bind(by.token_id())
    .bind(by.label())
    .bind(entry.action.as_str())
    .bind(entry.object_id)
    .bind(entry.object_label)
    .bind(changes)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Writes the same entry on both organisations of a relation between two of them (a supplier link, a share on it,
/// a verification engagement): each organisation's log names the object by the *other* side's name, which is how its
/// people know it. `sides` pairs each organisation with the other side's name.
pub(crate) async fn record_on_both_sides(
    transaction: &mut Transaction<'static, Any>,
    by: ChangedBy<'_>,
    at: Timestamp,
    sides: [(OrganisationId, &str); 2],
    action: AuditAction,
    object_id: &str,
    changes: &[FieldChange],
) -> Result<(), StoreError> {
    for (organisation_id, other_side) in sides {
        let entry = Entry {
            organisation_id,
            action,
            object_id: Some(object_id.to_owned()),
            object_label: other_side,
            changes: changes.to_vec(),
        };
        record(transaction, by, at, entry).await?;
    }
    Ok(())
}

/// Which audit entries to list: newest first, optionally of one action or one object, in pages.
#[derive(Clone, Debug)]
pub struct AuditQuery {
    /// Only entries of this action.
    pub action: Option<AuditAction>,
    /// Only entries about this object.
    pub object_id: Option<String>,
    /// Only entries older than this one (the last entry of the previous page).
    pub before: Option<AuditEventId>,
    /// At most this many entries (1 to 200).
    pub limit: usize,
}

impl AuditQuery {
    /// Entries per page unless a caller asks otherwise.
    pub const DEFAULT_LIMIT: usize = 50;
}

impl Default for AuditQuery {
    fn default() -> Self {
        Self { action: None, object_id: None, before: None, limit: Self::DEFAULT_LIMIT }
    }
}

const AUDIT_COLUMNS: &str = "id, organisation_id, occurred_at, actor_user_id, actor_token_id, actor_label, action, \
                             object_id, object_label, changes";

fn audit_event_from_row(row: &AnyRow) -> anyhow::Result<AuditEvent> {
    let action_name = row.text("action")?;
    Ok(AuditEvent {
        id: row.id("id")?,
        organisation_id: row.id("organisation_id")?,
        occurred_at: row.time("occurred_at")?,
        actor_user_id: row.optional_id("actor_user_id")?,
        actor_token_id: row.optional_id("actor_token_id")?,
        actor_label: row.text("actor_label")?,
        action: AuditAction::from_name(&action_name)
            .ok_or_else(|| anyhow::anyhow!("unknown audit action {action_name:?} in the database"))?,
        object_id: row.optional_text("object_id")?,
        object_label: row.text("object_label")?,
        changes: serde_json::from_str(&row.text("changes")?)?,
    })
}

impl Store {
    /// Lists the actor's organisation's audit log, newest first. Auditors and owners only.
    ///
    /// Entries about one object (its history, for provenance) need [`Permission::ViewProvenance`]; the whole log
    /// needs [`Permission::ViewAuditLog`].
    pub async fn list_audit_events(&self, actor: &Actor, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
        actor.require(if query.object_id.is_some() { Permission::ViewProvenance } else { Permission::ViewAuditLog })?;
        let limit = query.limit.clamp(1, 200) as i64;
        // The cursor is resolved to its (time, id) position inside the same organisation, so a cursor naming another
        // tenant's entry simply matches nothing.
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_events e WHERE organisation_id = $1 \
             AND ($2 IS NULL OR action = $2) \
             AND ($3 IS NULL OR object_id = $3) \
             AND ($4 IS NULL OR (occurred_at, id) < \
                  (SELECT c.occurred_at, c.id FROM audit_events c WHERE c.id = $4 AND c.organisation_id = $1)) \
             ORDER BY occurred_at DESC, id DESC LIMIT $5"
        )))
        .bind(actor.organisation_id.to_string())
        .bind(query.action.map(AuditAction::as_str))
        .bind(query.object_id.clone())
        .bind(query.before.map(|id| id.to_string()))
        .bind(limit)
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter().map(audit_event_from_row).collect::<anyhow::Result<_>>().map_err(StoreError::from)
    }
}

/// The facility an energy audit entry is about, found from the id the entry names its object by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnergyObjectFacility {
    /// The facility whose energy site holds the object.
    pub facility_id: FacilityId,
    /// Its name.
    pub name: String,
    /// Its English name, if it has one.
    pub name_en: Option<String>,
}

impl Store {
    /// Where each energy object of the actor's organisation lives, keyed by every id an energy audit entry names
    /// its object with: a site (its facility's id), an area, a line, a meter (its id, and its code, which a meter's
    /// placement is recorded under) and a measure. The audit log uses it to link those entries to the facility's
    /// energy pages; the objects have no page of their own. Auditors and owners only, like the log.
    pub async fn energy_object_facilities(
        &self,
        actor: &Actor,
    ) -> Result<HashMap<String, EnergyObjectFacility>, StoreError> {
        actor.require(Permission::ViewProvenance)?;
        let rows = sqlx::query(
            "SELECT o.object_id, f.id AS facility_id, f.name, f.name_en FROM ( \
               SELECT facility_id AS object_id, facility_id FROM energy_sites WHERE organisation_id = $1 \
               UNION ALL SELECT id, facility_id FROM energy_areas WHERE organisation_id = $1 \
               UNION ALL SELECT id, facility_id FROM energy_lines WHERE organisation_id = $1 \
               UNION ALL SELECT id, facility_id FROM energy_meters WHERE organisation_id = $1 \
               UNION ALL SELECT code, facility_id FROM energy_meters WHERE organisation_id = $1 \
               UNION ALL SELECT id, facility_id FROM energy_measures WHERE organisation_id = $1 \
             ) o JOIN facilities f ON f.id = o.facility_id AND f.organisation_id = $1",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut facilities = HashMap::with_capacity(rows.len());
        for row in &rows {
            let facility = EnergyObjectFacility {
                facility_id: row.id("facility_id")?,
                name: row.text("name")?,
                name_en: row.optional_text("name_en")?,
            };
            facilities.insert(row.text("object_id")?, facility);
        }
        Ok(facilities)
    }
}
