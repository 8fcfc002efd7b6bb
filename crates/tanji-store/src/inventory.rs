//! The organisation GHG inventory: facilities' place in the boundary, activity data (entered or imported whole or not
//! at all), the organisation's own emission factors, and inventory versions that are computed by the pure engine
//! (`tanji_inventory`), stored immutably and frozen by a verifier's sign-off.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use tanji_footprint::{Assurance, Signer};
use tanji_ghg::bundled::{factor_library, fuel_parameters, gwp_table, parse_factor_csv};
use tanji_ghg::{EmissionFactor, FactorLibrary, FactorOwner, GwpSet};
use tanji_inventory::import::{RowProblem, check_with_reference};
use tanji_inventory::{
    ActivityRecord, ActivityRow, BaseYearComparison, BaseYearPolicy, Completeness, ConsolidationApproach,
    FacilityBoundary, Fraction, Inventory, InventoryInput, ProductionOutput, RecalculationAssessment, Reference,
    RowError, Severity, assess_recalculation, calculate, compare_with_base_year, completeness_of,
};
use tanji_tenancy::audit::{AuditAction, FieldChange, field_changes};
use tanji_tenancy::{Actor, FacilityId, FieldError, OrganisationId, Permission, Problem};

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::{Conflict, Store, StoreError, new_id};

/// A facility with its place in the inventory boundary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FacilityBoundaryView {
    pub facility_id: FacilityId,
    pub name: String,
    pub code: Option<String>,
    pub archived: bool,
    pub equity_share_percent: f64,
    pub financial_control: bool,
    pub operational_control: bool,
}

/// A stored activity record with who entered it and how.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredActivity {
    pub id: String,
    pub facility_id: FacilityId,
    pub facility_name: String,
    /// The row exactly as entered.
    pub row: ActivityRow,
    /// The record as the engine sees it (facility = facility id).
    pub record: ActivityRecord,
    pub created_at: jiff::Timestamp,
    pub created_by: String,
    /// The file it was imported from, if any.
    pub import_file: Option<String>,
}

/// One computed inventory version, with the base-year comparison and everything needed to trace each number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InventoryVersion {
    pub id: String,
    pub reporting_year: i16,
    pub version: i64,
    pub inventory: Inventory,
    pub base_year: Option<BaseYearComparison>,
    pub recalculation: Option<RecalculationAssessment>,
    /// Facility id → name, as they were when computed.
    pub facility_names: BTreeMap<String, String>,
    pub computed_at: jiff::Timestamp,
    pub computed_by: String,
    pub verified_at: Option<jiff::Timestamp>,
    pub verified_by: Option<String>,
    pub verification_statement: Option<String>,
    /// The independent verification body the sign-off was made for, when the signer acted through an engagement of
    /// it; `None` when a member of the organisation signed (internal review) or nobody has yet.
    pub verification_body_id: Option<OrganisationId>,
    /// That body's registered name.
    pub verification_body_name: Option<String>,
    /// The verifier's written reason for signing off although records are not counted (only for incomplete versions).
    pub incomplete_sign_off_reason: Option<String>,
    /// What the organisation produced in the period, for the emission intensity, when stated.
    pub output: Option<ProductionOutput>,
}

impl InventoryVersion {
    /// Whether the totals count every record: the one flag every headline total of this version carries.
    pub fn completeness(&self) -> &Completeness {
        &self.inventory.totals.completeness
    }

    /// Who stands behind the figures: an independent body's verification, the organisation's internal review, or
    /// nobody yet (see [`assurance_of`]).
    pub fn assurance(&self) -> Assurance {
        assurance_of(self.verified_at, self.verification_body_id)
    }
}

/// The assurance of an inventory version signed off at `verified_at` (or not at all) for the verification body
/// `verification_body_id` (or for nobody: a member signed). The footprints' rule (`StoredFootprint::assurance`):
/// only a sign-off made for an engaged, independent body is third-party verification (ISO 14064-3); a member's is
/// internal review (内部审核), never "verified".
pub(crate) fn assurance_of(
    verified_at: Option<jiff::Timestamp>,
    verification_body_id: Option<OrganisationId>,
) -> Assurance {
    Assurance::of_sign_off(verified_at.map(|_| match verification_body_id {
        Some(_) => Signer::IndependentVerificationBody,
        None => Signer::PublisherMember,
    }))
}

/// A line of the list of inventory versions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InventoryVersionSummary {
    pub id: String,
    pub reporting_year: i16,
    pub version: i64,
    pub gwp_set: String,
    pub consolidation: String,
    pub total_location_kg: f64,
    pub total_market_kg: f64,
    pub n_errors: i64,
    /// Records that could not be calculated and are not in the totals (0: the totals are complete).
    pub n_records_not_counted: i64,
    pub computed_at: jiff::Timestamp,
    pub computed_by: String,
    pub verified_at: Option<jiff::Timestamp>,
    pub verified_by: Option<String>,
    /// The independent verification body the sign-off was made for (see [`InventoryVersion::verification_body_id`]).
    pub verification_body_id: Option<OrganisationId>,
    /// That body's registered name.
    pub verification_body_name: Option<String>,
}

impl InventoryVersionSummary {
    /// Who stands behind the figures (see [`InventoryVersion::assurance`]).
    pub fn assurance(&self) -> Assurance {
        assurance_of(self.verified_at, self.verification_body_id)
    }
}

/// What is stored with each version beside the inventory itself.
#[derive(Serialize, Deserialize)]
struct StoredResult {
    inventory: Inventory,
    base_year: Option<BaseYearComparison>,
    recalculation: Option<RecalculationAssessment>,
    facility_names: BTreeMap<String, String>,
    #[serde(default)]
    output: Option<ProductionOutput>,
}

/// How an inventory is to be computed.
#[derive(Clone, Debug, PartialEq)]
pub struct InventoryRequest {
    pub reporting_year: i16,
    pub gwp_set: GwpSet,
    pub consolidation: ConsolidationApproach,
    pub base_year: Option<BaseYearPolicy>,
    pub significance_threshold_percent: f64,
    /// Structural, method, factor and error changes since the base year, with their estimated effect.
    pub base_year_changes: Vec<tanji_inventory::BaseYearChange>,
    /// What the organisation produced in the period, for the emission intensity per unit of output.
    pub output: Option<ProductionOutput>,
}

/// A single entry from a form: alias kept for readers of the API.
pub type ActivityEntry = ActivityRow;

/// A stored JSON document the store cannot read (or a value it cannot write).
pub(crate) fn json_error(error: serde_json::Error) -> StoreError {
    StoreError::Internal(anyhow::Error::new(error))
}

fn flag(row: &AnyRow, column: &str) -> anyhow::Result<bool> {
    Ok(row.integer(column)? != 0)
}

fn double(row: &AnyRow, column: &str) -> anyhow::Result<f64> {
    use anyhow::Context as _;
    row.try_get::<f64, _>(column).with_context(|| format!("reading column {column}"))
}

impl Store {
    /// The actor's facilities with equity share and control flags.
    pub async fn facility_boundaries(&self, actor: &Actor) -> Result<Vec<FacilityBoundaryView>, StoreError> {
        actor.require(Permission::ViewInventory)?;
        let rows = sqlx::query(
            "SELECT id, name, code, archived_at, equity_share_percent, financial_control, operational_control \
             FROM facilities WHERE organisation_id = $1 ORDER BY name",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in &rows {
            views.push(FacilityBoundaryView {
                facility_id: row.id("id")?,
                name: row.text("name")?,
                code: row.optional_text("code")?,
                archived: row.optional_text("archived_at")?.is_some(),
                equity_share_percent: double(row, "equity_share_percent")?,
                financial_control: flag(row, "financial_control")?,
                operational_control: flag(row, "operational_control")?,
            });
        }
        Ok(views)
    }

    /// Set a facility's equity share and control flags.
    pub async fn set_facility_boundary(
        &self,
        actor: &Actor,
        id: FacilityId,
        equity_share_percent: f64,
        financial_control: bool,
        operational_control: bool,
    ) -> Result<FacilityBoundaryView, StoreError> {
        actor.require(Permission::EditInventory)?;
        if Fraction::from_percent(equity_share_percent).is_none() {
            return Err(FieldError::new("equity_share_percent", Problem::OutOfRange { min: "0", max: "100" }).into());
        }
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let before = sqlx::query(
            "SELECT name, equity_share_percent, financial_control, operational_control FROM facilities \
             WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        let name = before.text("name")?;
        let fields = |share: f64, financial: bool, operational: bool| {
            [
                ("equity_share_percent", Some(share.to_string())),
                ("financial_control", Some(financial.to_string())),
                ("operational_control", Some(operational.to_string())),
            ]
        };
        let changes: Vec<FieldChange> = field_changes(
            &fields(
                double(&before, "equity_share_percent")?,
                flag(&before, "financial_control")?,
                flag(&before, "operational_control")?,
            ),
            &fields(equity_share_percent, financial_control, operational_control),
        );
        if !changes.is_empty() {
            sqlx::query(
                "UPDATE facilities SET equity_share_percent = $1, financial_control = $2, operational_control = $3, \
                 updated_at = $4 WHERE id = $5 AND organisation_id = $6",
            )
            .bind(equity_share_percent)
            .bind(i64::from(financial_control))
            .bind(i64::from(operational_control))
            .bind(time_to_db(now))
            .bind(id.to_string())
            .bind(actor.organisation_id.to_string())
            .execute(&mut *transaction)
            .await?;
            audit::record(
                &mut transaction,
                ChangedBy::Actor(actor),
                now,
                Entry {
                    organisation_id: actor.organisation_id,
                    action: AuditAction::FacilityBoundaryChanged,
                    object_id: Some(id.to_string()),
                    object_label: &name,
                    changes,
                },
            )
            .await?;
        }
        transaction.commit().await?;
        self.facility_boundaries(actor)
            .await?
            .into_iter()
            .find(|view| view.facility_id == id)
            .ok_or(StoreError::NotFound)
    }

    /// Save activity rows: all of them or, if any row has a problem, none (every problem is returned with its row
    /// and column). `file_name` names an import; without it the rows are single entries from a form.
    /// The `facility` column holds a facility's code or name.
    pub async fn record_activities(
        &self,
        actor: &Actor,
        file_name: Option<&str>,
        rows: Vec<ActivityRow>,
    ) -> Result<usize, StoreError> {
        self.record_activities_replacing(actor, file_name, rows, |_| false).await.map(|(saved, _)| saved)
    }

    /// [`Store::record_activities`], except that rows whose id `replaces` says may be replaced take the place of the
    /// stored record with that id (deleted and written again in the same transaction) instead of being refused.
    /// Returns the rows saved and how many of them replaced a stored record.
    pub(crate) async fn record_activities_replacing(
        &self,
        actor: &Actor,
        file_name: Option<&str>,
        rows: Vec<ActivityRow>,
        replaces: impl Fn(&str) -> bool,
    ) -> Result<(usize, usize), StoreError> {
        actor.require(Permission::EditInventory)?;
        let source_name = file_name.unwrap_or("form");
        let facilities = self.facility_boundaries(actor).await?;
        let library = self.factor_library_for(actor).await?;
        let mut errors: Vec<RowError> = Vec::new();
        let mut prepared = Vec::with_capacity(rows.len());
        let mut keys_seen = BTreeMap::new();
        for (row_idx, row) in rows.into_iter().enumerate() {
            // Row 1 of a file is its header; a form's single entry is "row 1".
            let row_number = if file_name.is_some() { row_idx + 2 } else { row_idx + 1 };
            let wanted = row.facility.trim().to_owned();
            let facility = facilities.iter().find(|facility| {
                !facility.archived && (facility.code.as_deref() == Some(wanted.as_str()) || facility.name == wanted)
            });
            if facility.is_none() && !wanted.is_empty() {
                errors.push(RowError::of(
                    source_name,
                    row_number,
                    "facility",
                    RowProblem::FacilityNotFound { facility: wanted.clone() },
                ));
            }
            match row.clone().into_record(source_name, row_number) {
                Ok(mut record) => {
                    let Some(facility) = facility else { continue };
                    let key = if row.id.trim().is_empty() { new_id().to_string() } else { row.id.trim().to_owned() };
                    if let Some(first_row) = keys_seen.insert(key.clone(), row_number) {
                        errors.push(RowError::of(
                            source_name,
                            row_number,
                            "id",
                            RowProblem::DuplicateId { id: key.clone(), first_row },
                        ));
                    }
                    // A row that names unknown reference data, or whose unit can never convert to its factor's, would
                    // only leave a hole in every total: it is refused here, with its fix.
                    errors.extend(check_with_reference(
                        source_name,
                        row_number,
                        &record,
                        &library,
                        fuel_parameters(),
                        gwp_table(),
                    ));
                    record.id = key.clone();
                    record.facility = facility.facility_id.to_string();
                    prepared.push((row_number, key, facility.facility_id, row, record));
                }
                Err(row_errors) => errors.extend(row_errors),
            }
        }
        if prepared.is_empty() && errors.is_empty() {
            errors.push(RowError::of(source_name, 0, "", RowProblem::NoRows));
        }
        if !errors.is_empty() {
            return Err(StoreError::Rejected(errors));
        }
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        // Ids already taken, read once inside the writing transaction.
        let existing: std::collections::BTreeSet<String> =
            sqlx::query("SELECT record_key FROM activity_records WHERE organisation_id = $1")
                .bind(actor.organisation_id.to_string())
                .fetch_all(&mut *transaction)
                .await?
                .iter()
                .map(|row| row.text("record_key"))
                .collect::<anyhow::Result<_>>()?;
        let mut n_replaced = 0;
        for (row_number, key, _, _, _) in prepared.iter().filter(|(_, key, _, _, _)| existing.contains(key)) {
            if !replaces(key) {
                errors.push(RowError::of(source_name, *row_number, "id", RowProblem::IdExists { id: key.clone() }));
                continue;
            }
            sqlx::query("DELETE FROM activity_records WHERE organisation_id = $1 AND record_key = $2")
                .bind(actor.organisation_id.to_string())
                .bind(key)
                .execute(&mut *transaction)
                .await?;
            n_replaced += 1;
        }
        if !errors.is_empty() {
            return Err(StoreError::Rejected(errors));
        }
        let import_id = match file_name {
            Some(file_name) => {
                let import_id = new_id().to_string();
                sqlx::query(
                    "INSERT INTO activity_imports (id, organisation_id, file_name, n_rows, imported_at, imported_by) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&import_id)
                .bind(actor.organisation_id.to_string())
                .bind(file_name)
                .bind(prepared.len() as i64)
                .bind(time_to_db(now))
                .bind(&actor.label)
                .execute(&mut *transaction)
                .await?;
                Some(import_id)
            }
            None => None,
        };
        for (row_number, key, facility_id, row, record) in &prepared {
            sqlx::query(
                "INSERT INTO activity_records (id, organisation_id, facility_id, record_key, period_start, period_end, \
                 source, quantity, unit, data_source, row_json, import_id, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(new_id().to_string())
            .bind(actor.organisation_id.to_string())
            .bind(facility_id.to_string())
            .bind(key)
            .bind(record.period_start.to_string())
            .bind(record.period_end.to_string())
            .bind(record.source.key())
            .bind(record.quantity.value)
            .bind(record.quantity.unit.symbol().to_owned())
            .bind(record.data_source.key())
            .bind(serde_json::to_string(row).map_err(json_error)?)
            .bind(import_id.clone())
            .bind(time_to_db(now))
            .bind(&actor.label)
            .execute(&mut *transaction)
            .await
            .map_err(|error| {
                // A concurrent import took the same id after the check above; the unique index keeps one.
                if violated_unique_index(
                    &error,
                    &[("activity_records_key", "activity_records.organisation_id, activity_records.record_key")],
                )
                .is_some()
                {
                    StoreError::Rejected(vec![RowError::of(
                        source_name,
                        *row_number,
                        "id",
                        RowProblem::IdSavedConcurrently { id: key.clone() },
                    )])
                } else {
                    error.into()
                }
            })?;
        }
        let (action, label, changes) = match file_name {
            Some(file_name) => (
                AuditAction::ActivitiesImported,
                file_name.to_owned(),
                vec![FieldChange { field: "rows".into(), before: None, after: Some(prepared.len().to_string()) }],
            ),
            None => {
                let (_, key, _, row, _) = &prepared[0];
                (
                    AuditAction::ActivityRecorded,
                    key.clone(),
                    vec![FieldChange {
                        field: "quantity".into(),
                        before: None,
                        after: Some(format!("{} {} ({})", row.quantity.trim(), row.unit.trim(), row.source.trim())),
                    }],
                )
            }
        };
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action,
                object_id: import_id,
                object_label: &label,
                changes,
            },
        )
        .await?;
        transaction.commit().await?;
        Ok((prepared.len(), n_replaced))
    }

    /// The actor's activity records, optionally only those touching `year`, by period then key.
    pub async fn activities(&self, actor: &Actor, year: Option<i16>) -> Result<Vec<StoredActivity>, StoreError> {
        actor.require(Permission::ViewInventory)?;
        let (from, to) = match year {
            Some(year) => (format!("{year:04}-01-01"), format!("{year:04}-12-31")),
            None => ("0000-01-01".to_owned(), "9999-12-31".to_owned()),
        };
        let rows = sqlx::query(
            "SELECT a.id, a.facility_id, f.name AS facility_name, a.record_key, a.row_json, a.created_at, \
             a.created_by, i.file_name FROM activity_records a JOIN facilities f ON f.id = a.facility_id \
             LEFT JOIN activity_imports i ON i.id = a.import_id \
             WHERE a.organisation_id = $1 AND a.period_start <= $3 AND a.period_end >= $2 \
             ORDER BY a.period_start, a.record_key",
        )
        .bind(actor.organisation_id.to_string())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter().map(stored_activity).collect()
    }

    /// One activity record of the actor's organisation.
    pub async fn activity(&self, actor: &Actor, id: &str) -> Result<StoredActivity, StoreError> {
        actor.require(Permission::ViewInventory)?;
        let row = sqlx::query(
            "SELECT a.id, a.facility_id, f.name AS facility_name, a.record_key, a.row_json, a.created_at, \
             a.created_by, i.file_name FROM activity_records a JOIN facilities f ON f.id = a.facility_id \
             LEFT JOIN activity_imports i ON i.id = a.import_id WHERE a.organisation_id = $1 \
             AND (a.id = $2 OR a.record_key = $2)",
        )
        .bind(actor.organisation_id.to_string())
        .bind(id)
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        stored_activity(&row)
    }

    /// Delete an activity record. Computed inventory versions keep their copy of it.
    pub async fn delete_activity(&self, actor: &Actor, id: &str) -> Result<(), StoreError> {
        actor.require(Permission::EditInventory)?;
        let activity = self.activity(actor, id).await?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let deleted = sqlx::query("DELETE FROM activity_records WHERE id = $1 AND organisation_id = $2")
            .bind(&activity.id)
            .bind(actor.organisation_id.to_string())
            .execute(&mut *transaction)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::ActivityDeleted,
                object_id: Some(activity.id.clone()),
                object_label: &activity.record.id,
                changes: vec![FieldChange {
                    field: "quantity".into(),
                    before: Some(format!("{} {}", activity.row.quantity, activity.row.unit)),
                    after: None,
                }],
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The organisation's own emission factors (every version).
    pub async fn own_factors(&self, actor: &Actor) -> Result<Vec<EmissionFactor>, StoreError> {
        actor.require(Permission::ViewInventory)?;
        let rows = sqlx::query(
            "SELECT factor_json FROM own_emission_factors WHERE organisation_id = $1 ORDER BY factor_id, version",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter().map(|row| serde_json::from_str(&row.text("factor_json")?).map_err(json_error)).collect()
    }

    /// The factors the actor's organisation may use: the bundled library and its own.
    pub async fn factor_library_for(&self, actor: &Actor) -> Result<FactorLibrary, StoreError> {
        let mut library = factor_library().clone();
        for factor in self.own_factors(actor).await? {
            library.add(factor).map_err(|error| StoreError::Internal(anyhow::anyhow!("stored own factor: {error}")))?;
        }
        Ok(library)
    }

    /// Add own factors from a CSV in the bundled factor-file format. All rows or none. A correction of an own factor
    /// is a new version; bundled ids cannot be reused.
    pub async fn add_own_factors(&self, actor: &Actor, file_name: &str, csv_text: &str) -> Result<usize, StoreError> {
        actor.require(Permission::EditInventory)?;
        let owner = FactorOwner::Organisation(actor.organisation_id.to_string());
        let factors = parse_factor_csv(file_name, csv_text, &owner)
            .map_err(|errors| StoreError::Rejected(errors.into_iter().map(RowError::from).collect()))?;
        let mut library = self.factor_library_for(actor).await?;
        let mut errors = Vec::new();
        for (factor_idx, factor) in factors.iter().enumerate() {
            let row = factor_idx + 2;
            if factor_library().latest(&factor.id).is_some() {
                errors.push(RowError::of(file_name, row, "id", RowProblem::BundledFactorId { id: factor.id.clone() }));
            } else if let Err(error) = library.add(factor.clone()) {
                errors.push(RowError::of(file_name, row, "version", RowProblem::from_library_error(error)));
            }
        }
        if factors.is_empty() {
            errors.push(RowError::of(file_name, 0, "", RowProblem::NoRows));
        }
        if !errors.is_empty() {
            return Err(StoreError::Rejected(errors));
        }
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        for factor in &factors {
            sqlx::query(
                "INSERT INTO own_emission_factors (id, organisation_id, factor_id, version, factor_json, created_at, \
                 created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id().to_string())
            .bind(actor.organisation_id.to_string())
            .bind(&factor.id)
            .bind(i64::from(factor.version))
            .bind(serde_json::to_string(factor).map_err(json_error)?)
            .bind(time_to_db(now))
            .bind(&actor.label)
            .execute(&mut *transaction)
            .await?;
            audit::record(
                &mut transaction,
                ChangedBy::Actor(actor),
                now,
                Entry {
                    organisation_id: actor.organisation_id,
                    action: AuditAction::FactorAdded,
                    object_id: None,
                    object_label: &format!("{}@{}", factor.id, factor.version),
                    changes: vec![FieldChange {
                        field: "file".into(),
                        before: None,
                        after: Some(file_name.to_owned()),
                    }],
                },
            )
            .await?;
        }
        transaction.commit().await?;
        Ok(factors.len())
    }

    /// Compute a new inventory version from the organisation's current activity data, facilities and factors.
    pub async fn compute_inventory(
        &self,
        actor: &Actor,
        request: &InventoryRequest,
    ) -> Result<InventoryVersion, StoreError> {
        actor.require(Permission::EditInventory)?;
        let facilities = self.facility_boundaries(actor).await?;
        let records: Vec<ActivityRecord> =
            self.activities(actor, None).await?.into_iter().map(|activity| activity.record).collect();
        let library = self.factor_library_for(actor).await?;
        let year = request.reporting_year;
        let input =
            self.inventory_input(actor, &facilities, records, year, (request.gwp_set, request.consolidation)).await?;
        let reference = Reference { factors: &library, fuel_parameters: fuel_parameters(), gwp: gwp_table() };
        let inventory = calculate(&input, reference);
        let base_year =
            request.base_year.as_ref().map(|policy| compare_with_base_year(&input, &inventory, policy, reference));
        let recalculation = base_year.as_ref().map(|comparison| {
            assess_recalculation(
                comparison.base_total_location_kg,
                request.significance_threshold_percent,
                &request.base_year_changes,
            )
        });
        let facility_names =
            facilities.iter().map(|facility| (facility.facility_id.to_string(), facility.name.clone())).collect();
        let n_errors = inventory.diagnostics.iter().filter(|diagnostic| diagnostic.severity == Severity::Error).count();
        let n_records_not_counted = inventory.totals.completeness.n_records_not_counted();
        let output = request.output.clone();
        let stored = StoredResult { inventory, base_year, recalculation, facility_names, output };
        let now = self.now();
        let id = new_id().to_string();
        let mut transaction = self.pools.begin_write().await?;
        let previous = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) AS latest FROM inventory_versions WHERE organisation_id = $1 AND \
             reporting_year = $2",
        )
        .bind(actor.organisation_id.to_string())
        .bind(i64::from(year))
        .fetch_one(&mut *transaction)
        .await?
        .integer("latest")?;
        let version = previous + 1;
        sqlx::query(
            "INSERT INTO inventory_versions (id, organisation_id, reporting_year, version, gwp_set, consolidation, \
             base_year_json, total_location_kg, total_market_kg, n_errors, result_json, computed_at, computed_by, \
             n_records_not_counted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&id)
        .bind(actor.organisation_id.to_string())
        .bind(i64::from(year))
        .bind(version)
        .bind(request.gwp_set.name())
        .bind(request.consolidation.key())
        .bind(request.base_year.as_ref().map(serde_json::to_string).transpose().map_err(json_error)?)
        .bind(stored.inventory.totals.total_location_kg)
        .bind(stored.inventory.totals.total_market_kg)
        .bind(n_errors as i64)
        .bind(serde_json::to_string(&stored).map_err(json_error)?)
        .bind(time_to_db(now))
        .bind(&actor.label)
        .bind(n_records_not_counted as i64)
        .execute(&mut *transaction)
        .await?;
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::InventoryComputed,
                object_id: Some(id.clone()),
                object_label: &format!("{year} v{version}"),
                changes: vec![
                    FieldChange {
                        field: "total_location_t".into(),
                        before: None,
                        after: Some(format!("{:.3}", stored.inventory.totals.total_location_kg / 1000.0)),
                    },
                    FieldChange {
                        field: "records_not_counted".into(),
                        before: None,
                        after: Some(n_records_not_counted.to_string()),
                    },
                ],
            },
        )
        .await?;
        transaction.commit().await?;
        self.inventory_version(actor, &id).await
    }

    /// The input of an inventory of `year` over `records` and the organisation's boundary.
    async fn inventory_input(
        &self,
        actor: &Actor,
        facilities: &[FacilityBoundaryView],
        records: Vec<ActivityRecord>,
        year: i16,
        (gwp_set, consolidation): (GwpSet, ConsolidationApproach),
    ) -> Result<InventoryInput, StoreError> {
        let (Ok(period_start), Ok(period_end)) =
            (jiff::civil::Date::new(year, 1, 1), jiff::civil::Date::new(year, 12, 31))
        else {
            return Err(FieldError::new("reporting_year", Problem::OutOfRange { min: "1990", max: "2100" }).into());
        };
        Ok(InventoryInput {
            organisation: self.organisation_name(actor).await?,
            period_start,
            period_end,
            gwp_set,
            consolidation,
            facilities: facilities
                .iter()
                .map(|facility| FacilityBoundary {
                    key: facility.facility_id.to_string(),
                    name: facility.name.clone(),
                    equity_share: Fraction::from_percent(facility.equity_share_percent).unwrap_or(Fraction::ONE),
                    financial_control: facility.financial_control,
                    operational_control: facility.operational_control,
                })
                .collect(),
            records,
        })
    }

    /// The inventory of `year` over `records` (which need not be the stored ones), calculated and not stored: what
    /// a change would do before it is made.
    pub(crate) async fn calculate_inventory(
        &self,
        actor: &Actor,
        records: Vec<ActivityRecord>,
        year: i16,
        settings: (GwpSet, ConsolidationApproach),
    ) -> Result<tanji_inventory::Inventory, StoreError> {
        actor.require(Permission::ViewInventory)?;
        let facilities = self.facility_boundaries(actor).await?;
        let library = self.factor_library_for(actor).await?;
        let input = self.inventory_input(actor, &facilities, records, year, settings).await?;
        let reference = Reference { factors: &library, fuel_parameters: fuel_parameters(), gwp: gwp_table() };
        Ok(calculate(&input, reference))
    }

    /// The GWP set and consolidation approach of the latest inventory version of `year`; AR5 and operational
    /// control when there is none.
    pub(crate) async fn inventory_settings_of(
        &self,
        actor: &Actor,
        year: i16,
    ) -> Result<(GwpSet, ConsolidationApproach), StoreError> {
        let latest = self
            .inventory_versions(actor)
            .await?
            .into_iter()
            .filter(|version| version.reporting_year == year)
            .max_by_key(|version| version.version);
        let gwp_set = latest
            .as_ref()
            .and_then(|version| GwpSet::ALL.into_iter().find(|set| set.name() == version.gwp_set))
            .unwrap_or(GwpSet::AR5);
        let consolidation = latest
            .as_ref()
            .and_then(|version| ConsolidationApproach::parse(&version.consolidation))
            .unwrap_or(ConsolidationApproach::OperationalControl);
        Ok((gwp_set, consolidation))
    }

    /// Inventory versions of the actor's organisation, newest first.
    pub async fn inventory_versions(&self, actor: &Actor) -> Result<Vec<InventoryVersionSummary>, StoreError> {
        actor.require(Permission::ViewInventory)?;
        let rows = sqlx::query(
            "SELECT v.id, v.reporting_year, v.version, v.gwp_set, v.consolidation, v.total_location_kg, \
             v.total_market_kg, v.n_errors, v.n_records_not_counted, v.computed_at, v.computed_by, v.verified_at, \
             v.verified_by, v.verification_body_id, b.name AS verification_body_name FROM inventory_versions v \
             LEFT JOIN organisations b ON b.id = v.verification_body_id \
             WHERE v.organisation_id = $1 ORDER BY v.reporting_year DESC, v.version DESC",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut summaries = Vec::with_capacity(rows.len());
        for row in &rows {
            // Versions computed before the count was kept: read it from the stored result (once per such version).
            let stored_count: Option<i64> = row.try_get("n_records_not_counted").map_err(anyhow::Error::new)?;
            let n_records_not_counted = match stored_count {
                Some(count) => count,
                None => {
                    self.inventory_version(actor, &row.text("id")?).await?.completeness().n_records_not_counted() as i64
                }
            };
            summaries.push(InventoryVersionSummary {
                id: row.text("id")?,
                reporting_year: i16::try_from(row.integer("reporting_year")?).unwrap_or_default(),
                version: row.integer("version")?,
                gwp_set: row.text("gwp_set")?,
                consolidation: row.text("consolidation")?,
                total_location_kg: double(row, "total_location_kg")?,
                total_market_kg: double(row, "total_market_kg")?,
                n_errors: row.integer("n_errors")?,
                n_records_not_counted,
                computed_at: row.time("computed_at")?,
                computed_by: row.text("computed_by")?,
                verified_at: row.optional_time("verified_at")?,
                verified_by: row.optional_text("verified_by")?,
                verification_body_id: row.optional_id("verification_body_id")?,
                verification_body_name: row.optional_text("verification_body_name")?,
            });
        }
        Ok(summaries)
    }

    /// One inventory version, whole.
    pub async fn inventory_version(&self, actor: &Actor, id: &str) -> Result<InventoryVersion, StoreError> {
        actor.require(Permission::ViewInventory)?;
        let row = sqlx::query(AssertSqlSafe(
            "SELECT v.id, v.reporting_year, v.version, v.result_json, v.computed_at, v.computed_by, v.verified_at, \
             v.verified_by, v.verification_statement, v.incomplete_sign_off_reason, v.verification_body_id, \
             b.name AS verification_body_name FROM inventory_versions v \
             LEFT JOIN organisations b ON b.id = v.verification_body_id WHERE v.id = $1 AND v.organisation_id = $2"
                .to_owned(),
        ))
        .bind(id)
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut stored: StoredResult = serde_json::from_str(&row.text("result_json")?).map_err(json_error)?;
        // Results stored before totals carried their completeness are assessed from their lines, which they kept:
        // an old version with failed records reads as incomplete, never as complete by default.
        stored.inventory.totals.completeness = completeness_of(&stored.inventory.lines);
        Ok(InventoryVersion {
            id: row.text("id")?,
            reporting_year: i16::try_from(row.integer("reporting_year")?).unwrap_or_default(),
            version: row.integer("version")?,
            inventory: stored.inventory,
            base_year: stored.base_year,
            recalculation: stored.recalculation,
            facility_names: stored.facility_names,
            computed_at: row.time("computed_at")?,
            computed_by: row.text("computed_by")?,
            verified_at: row.optional_time("verified_at")?,
            verified_by: row.optional_text("verified_by")?,
            verification_statement: row.optional_text("verification_statement")?,
            verification_body_id: row.optional_id("verification_body_id")?,
            verification_body_name: row.optional_text("verification_body_name")?,
            incomplete_sign_off_reason: row.optional_text("incomplete_sign_off_reason")?,
            output: stored.output,
        })
    }

    /// Sign an inventory version off as verified. It is frozen from then on: a version is verified once, and
    /// recomputing makes a new version instead of changing this one. Auditors only.
    ///
    /// A version whose totals leave records out is signed off only with `incomplete_reason`: the verifier's written
    /// reason for accepting the omission (ISO 14064-3 lets a verifier give a qualified opinion that names what is
    /// excluded and why). The reason is stored, audited and printed on the report's first page. A complete version
    /// takes no such reason.
    pub async fn verify_inventory(
        &self,
        actor: &Actor,
        id: &str,
        statement: &str,
        incomplete_reason: Option<&str>,
    ) -> Result<InventoryVersion, StoreError> {
        actor.require(Permission::VerifyInventory)?;
        let statement = statement.trim();
        if statement.is_empty() {
            return Err(FieldError::new("statement", Problem::Required).into());
        }
        let incomplete_reason = incomplete_reason.map(str::trim).filter(|reason| !reason.is_empty());
        if let Some(reason) = incomplete_reason {
            tanji_tenancy::validation::multi_line_text("incomplete_reason", reason, 4_000)?;
        }
        let version = self.inventory_version(actor, id).await?;
        let incomplete = !version.completeness().is_complete();
        if incomplete && incomplete_reason.is_none() {
            return Err(Conflict::IncompleteSignOff.into());
        }
        let incomplete_reason = if incomplete { incomplete_reason } else { None };
        // A verifier acting through an engagement signs for the body, and the body is recorded: only such a
        // sign-off is independent verification (`InventoryVersion::assurance`); a member's is internal review.
        let engaged_body = self.engaged_body(actor).await?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE inventory_versions SET verified_at = $1, verified_by = $2, verification_statement = $3, \
             incomplete_sign_off_reason = $6, verification_body_id = $7 \
             WHERE id = $4 AND organisation_id = $5 AND verified_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(&actor.label)
        .bind(statement)
        .bind(id)
        .bind(actor.organisation_id.to_string())
        .bind(incomplete_reason)
        .bind(engaged_body.as_ref().map(|body| body.id.to_string()))
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Conflict::AlreadyDone.into());
        }
        let mut changes =
            vec![FieldChange { field: "statement".into(), before: None, after: Some(statement.to_owned()) }];
        if let Some(reason) = incomplete_reason {
            changes.push(FieldChange {
                field: "incomplete_sign_off_reason".into(),
                before: None,
                after: Some(format!(
                    "{} ({} records not counted)",
                    reason,
                    version.completeness().n_records_not_counted()
                )),
            });
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::InventoryVerified,
                object_id: Some(id.to_owned()),
                object_label: &format!("{} v{}", version.reporting_year, version.version),
                changes,
            },
        )
        .await?;
        transaction.commit().await?;
        self.inventory_version(actor, id).await
    }

    async fn organisation_name(&self, actor: &Actor) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT name FROM organisations WHERE id = $1")
            .bind(actor.organisation_id.to_string())
            .fetch_one(&self.pools.reader)
            .await?;
        Ok(row.text("name")?)
    }
}

fn stored_activity(row: &AnyRow) -> Result<StoredActivity, StoreError> {
    let activity_row: ActivityRow = serde_json::from_str(&row.text("row_json")?).map_err(json_error)?;
    let facility_id: FacilityId = row.id("facility_id")?;
    let key = row.text("record_key")?;
    let mut record = activity_row.clone().into_record("stored", 0).map_err(|errors| {
        StoreError::Internal(anyhow::anyhow!(
            "stored activity {key} no longer parses: {}",
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        ))
    })?;
    record.id = key;
    record.facility = facility_id.to_string();
    Ok(StoredActivity {
        id: row.text("id")?,
        facility_id,
        facility_name: row.text("facility_name")?,
        row: activity_row,
        record,
        created_at: row.time("created_at")?,
        created_by: row.text("created_by")?,
        import_file: row.optional_text("file_name")?,
    })
}
