//! Product carbon footprints: products, immutable product model versions (factor references pinned on save),
//! footprints computed by the pure engine (`tanji_footprint`) against a pinned model version, verifier sign-off, and
//! the organisation's tamper-evident chain of label publications (`tanji_label::publication`), read without login
//! by the public label pages.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tanji_footprint::{
    Assurance, Comparison, Footprint, FootprintError, FootprintFile, MonteCarloRequest, ProductModel, ProductNames,
    PublishedFootprint, Signer, Sku, compare, compute, monte_carlo, published_summary,
};
use tanji_ghg::FactorLibrary;
use tanji_ghg::bundled::gwp_table;
use tanji_label::publication::{
    ChainProblem, ChainReport, Digest, LabelCode, NewPublication, PublicationRecord, StoredRecord, UnreadableRecord,
    VerifierSignOff, new_code, parse_code, verify_one_stored, verify_stored_chain,
};
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::validation::{multi_line_text, single_line_text};
use tanji_tenancy::{Actor, FieldError, OrganisationId, Permission, Problem};

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_from_db, time_to_db, violated_unique_index};
use crate::inventory::json_error;
use crate::{Conflict, Store, StoreError, new_id};

/// A product of the organisation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
    pub baseline_product_id: Option<String>,
    pub created_at: jiff::Timestamp,
    pub created_by: String,
    /// The latest model version, if any was saved.
    pub latest_model_version: Option<i64>,
    /// The latest footprint's total per declared unit and id.
    pub latest_footprint: Option<(String, f64)>,
    /// The label code, once published.
    pub label_code: Option<String>,
}

/// What a new product needs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct NewProduct {
    pub sku: String,
    pub name_zh: String,
    pub name_en: String,
}

/// One saved version of a product model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelVersion {
    pub id: String,
    pub product_id: String,
    pub version: i64,
    pub model: ProductModel,
    pub note: String,
    pub created_at: jiff::Timestamp,
    pub created_by: String,
}

/// A computed footprint as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredFootprint {
    pub id: String,
    pub product_id: String,
    pub model_id: String,
    pub model_version: i64,
    pub footprint: Footprint,
    pub baseline_footprint_id: Option<String>,
    pub baseline: Option<Footprint>,
    pub comparison: Option<Comparison>,
    pub computed_at: jiff::Timestamp,
    pub computed_by: String,
    pub sign_off: Option<VerifierSignOff>,
    /// The independent verification body the sign-off was made for; `None` when a member of the organisation
    /// signed (internal review) or nobody did.
    pub verification_body_id: Option<OrganisationId>,
}

impl StoredFootprint {
    /// Who stands behind the footprint: what decides whether its comparison may go public.
    pub fn assurance(&self) -> Assurance {
        assurance_of(self.sign_off.as_ref(), self.verification_body_id)
    }
}

/// The one rule, for footprints and publications alike: a sign-off is third-party verification when it was made for
/// an independent verification body, else the publisher's internal review.
fn assurance_of(sign_off: Option<&VerifierSignOff>, verification_body_id: Option<OrganisationId>) -> Assurance {
    Assurance::of_sign_off(sign_off.map(|_| match verification_body_id {
        Some(_) => Signer::IndependentVerificationBody,
        None => Signer::PublisherMember,
    }))
}

/// A label publication with its place in the chain and whether it was withdrawn.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Publication {
    pub id: String,
    pub product_id: String,
    pub footprint_id: String,
    pub record: PublicationRecord,
    pub published_by: String,
    pub withdrawn_at: Option<jiff::Timestamp>,
    pub withdrawn_reason: Option<String>,
    /// The independent verification body the record's sign-off was made for (kept beside the record, like its
    /// withdrawal); `None` for a member's sign-off or none.
    pub verification_body_id: Option<OrganisationId>,
}

impl Publication {
    /// Who stands behind the published footprint: what decides whether its comparison is shown and how its
    /// sign-off is named (verified by a body, or internal review).
    pub fn assurance(&self) -> Assurance {
        assurance_of(self.record.sign_off.as_ref(), self.verification_body_id)
    }

    /// The summary the label shows, read from the record's content.
    pub fn summary(&self) -> Option<PublishedFootprint> {
        serde_json::from_value(self.record.content.clone()).ok()
    }
}

/// What a public label page needs: the version asked for, the newest version of the code, and the chain check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublicLabel {
    pub publication: Publication,
    pub latest_version: u32,
    /// Whether this record's hashes and its link to the previous record check out.
    pub intact: bool,
    /// What is wrong with it when it is not intact.
    pub problems: Vec<ChainProblem>,
}

/// A publication as read back from storage: whole, or what could be read of a damaged one.
pub type StoredPublication = Result<Publication, UnreadableRecord>;

/// The organisation's whole chain with the verification report, for the public "verify" view. A damaged record is
/// one entry among the others (and fails the check, naming its field); it does not hide the rest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublicChain {
    pub organisation: String,
    pub publications: Vec<StoredPublication>,
    pub report: ChainReport,
}

fn footprint_error(error: FootprintError) -> StoreError {
    match error {
        FootprintError::Model(problems) => StoreError::ModelProblems(problems),
    }
}

/// Replace every `factor = "id"` by `id@version` of the version the library holds now, so that a saved model always
/// computes with the same factors.
fn pin_factors(model: &mut ProductModel, library: &FactorLibrary) {
    let pin = |text: &mut String| {
        if !text.contains('@')
            && let Some(factor) = library.latest(text.trim())
        {
            *text = factor.reference().to_string();
        }
    };
    for process in &mut model.processes {
        for usage in &mut process.factors {
            pin(&mut usage.factor);
        }
        for leg in &mut process.transport {
            pin(&mut leg.factor);
        }
    }
}

/// Longest note on a model version.
const MAX_NOTE_CHARS: usize = 2_000;
/// Longest verification statement.
const MAX_STATEMENT_CHARS: usize = 4_000;
/// Longest reason for withdrawing a label (shown on its public page).
const MAX_REASON_CHARS: usize = 1_000;
/// Longest verifier organisation name.
const MAX_ORGANISATION_NAME_CHARS: usize = 200;

/// The checks every new product passes — a SKU and names as `Sku` and `ProductNames` define them — answering the
/// product as it is stored (trimmed).
fn check_new_product(new: &NewProduct) -> Result<NewProduct, StoreError> {
    let sku = Sku::parse("sku", &new.sku)?;
    let names = ProductNames::parse("name_zh", &new.name_zh, "name_en", &new.name_en)?;
    Ok(NewProduct { sku: sku.as_str().to_owned(), name_zh: names.zh, name_en: names.en })
}

/// `model` as it is saved for the product `sku`: factor references pinned, and checked to build.
fn buildable_model(model: &ProductModel, sku: &str, library: &FactorLibrary) -> Result<ProductModel, StoreError> {
    let mut model = model.clone();
    model.product.sku = sku.to_owned();
    pin_factors(&mut model, library);
    tanji_footprint::build::build(&model, library, gwp_table()).map_err(StoreError::ModelProblems)?;
    Ok(model)
}

/// Computes the footprint of `model` (with its Monte Carlo spread when asked) on a blocking thread, since the engine
/// is CPU work; hands the library back for the next computation.
async fn compute_off_the_workers(
    model: ProductModel,
    library: FactorLibrary,
    monte_carlo_request: Option<MonteCarloRequest>,
) -> Result<(Footprint, FactorLibrary), StoreError> {
    let (footprint, library) = tokio::task::spawn_blocking(move || {
        let result = compute(&model, &library, gwp_table()).and_then(|mut footprint| {
            if let Some(request) = monte_carlo_request {
                footprint.uncertainty = Some(monte_carlo(&model, &library, gwp_table(), request)?);
            }
            Ok(footprint)
        });
        (result, library)
    })
    .await
    .map_err(|error| StoreError::Internal(anyhow::Error::new(error)))?;
    Ok((footprint.map_err(footprint_error)?, library))
}

/// One product of a footprint file, checked and computed, ready to be written.
struct Prepared {
    new: NewProduct,
    model: ProductModel,
    footprint: Footprint,
}

async fn prepare_from_file(
    model: &ProductModel,
    monte_carlo_request: Option<MonteCarloRequest>,
    library: FactorLibrary,
) -> Result<(Prepared, FactorLibrary), StoreError> {
    let new = NewProduct {
        sku: model.product.sku.clone(),
        name_zh: model.product.name_zh.clone(),
        name_en: model.product.name_en.clone(),
    };
    let new = check_new_product(&new)?;
    let model = buildable_model(model, &new.sku, &library)?;
    let (footprint, library) = compute_off_the_workers(model.clone(), library, monte_carlo_request).await?;
    Ok((Prepared { new, model, footprint }, library))
}

/// Inserts a checked product (see [`check_new_product`]) with its audit entry; answers its id.
async fn insert_product(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: jiff::Timestamp,
    new: &NewProduct,
    baseline_product_id: Option<&str>,
) -> Result<String, StoreError> {
    let id = new_id().to_string();
    let sku = new.sku.trim();
    let inserted = sqlx::query(
        "INSERT INTO products (id, organisation_id, sku, name_zh, name_en, baseline_product_id, created_at, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(actor.organisation_id.to_string())
    .bind(sku)
    .bind(new.name_zh.trim())
    .bind(new.name_en.trim())
    .bind(baseline_product_id)
    .bind(time_to_db(now))
    .bind(&actor.label)
    .execute(&mut **transaction)
    .await;
    if let Err(error) = inserted {
        if violated_unique_index(&error, &[("products_sku", "sku")]).is_some() {
            return Err(Conflict::ProductSku.into());
        }
        return Err(error.into());
    }
    audit::record(
        transaction,
        ChangedBy::Actor(actor),
        now,
        Entry {
            organisation_id: actor.organisation_id,
            action: AuditAction::ProductCreated,
            object_id: Some(id.clone()),
            object_label: sku,
            changes: vec![FieldChange { field: "sku".into(), before: None, after: Some(sku.to_owned()) }],
        },
    )
    .await?;
    Ok(id)
}

/// A model version as written: what its footprints refer to.
struct SavedModel {
    id: String,
    product_id: String,
    sku: String,
    version: i64,
}

/// Inserts the next version of a product's model (`model` from [`buildable_model`]), takes the product's names from
/// it, with the audit entry.
async fn insert_model_version(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: jiff::Timestamp,
    product_id: &str,
    model: &ProductModel,
    note: &str,
) -> Result<SavedModel, StoreError> {
    let id = new_id().to_string();
    let version = sqlx::query("SELECT COALESCE(MAX(version), 0) AS latest FROM product_models WHERE product_id = $1")
        .bind(product_id)
        .fetch_one(&mut **transaction)
        .await?
        .integer("latest")?
        + 1;
    let inserted = sqlx::query(
        "INSERT INTO product_models (id, organisation_id, product_id, version, model_json, note, created_at, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(actor.organisation_id.to_string())
    .bind(product_id)
    .bind(version)
    .bind(serde_json::to_string(model).map_err(json_error)?)
    .bind(note)
    .bind(time_to_db(now))
    .bind(&actor.label)
    .execute(&mut **transaction)
    .await;
    if let Err(error) = inserted {
        if violated_unique_index(&error, &[("product_models_version", "version")]).is_some() {
            return Err(Conflict::ConcurrentChange.into());
        }
        return Err(error.into());
    }
    sqlx::query("UPDATE products SET name_zh = $1, name_en = $2 WHERE id = $3")
        .bind(&model.product.name_zh)
        .bind(&model.product.name_en)
        .bind(product_id)
        .execute(&mut **transaction)
        .await?;
    let sku = model.product.sku.clone();
    audit::record(
        transaction,
        ChangedBy::Actor(actor),
        now,
        Entry {
            organisation_id: actor.organisation_id,
            action: AuditAction::ProductModelSaved,
            object_id: Some(product_id.to_owned()),
            object_label: &format!("{sku} v{version}"),
            changes: vec![FieldChange {
                field: "processes".into(),
                before: None,
                after: Some(model.processes.len().to_string()),
            }],
        },
    )
    .await?;
    Ok(SavedModel { id, product_id: product_id.to_owned(), sku, version })
}

/// Inserts a footprint computed from `model`, compared with the baseline footprint whose id is given, with the
/// audit entry; answers its id.
async fn insert_footprint(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: jiff::Timestamp,
    model: &SavedModel,
    footprint: &Footprint,
    compared: Option<(&str, &Comparison)>,
) -> Result<String, StoreError> {
    let id = new_id().to_string();
    sqlx::query(
        "INSERT INTO footprints (id, organisation_id, product_id, model_id, model_version, total_kg_co2e, \
         result_json, baseline_footprint_id, comparison_json, computed_at, computed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(actor.organisation_id.to_string())
    .bind(&model.product_id)
    .bind(&model.id)
    .bind(model.version)
    .bind(footprint.total_kg_co2e)
    .bind(serde_json::to_string(footprint).map_err(json_error)?)
    .bind(compared.map(|(baseline_id, _)| baseline_id.to_owned()))
    .bind(compared.map(|(_, comparison)| serde_json::to_string(comparison)).transpose().map_err(json_error)?)
    .bind(time_to_db(now))
    .bind(&actor.label)
    .execute(&mut **transaction)
    .await?;
    audit::record(
        transaction,
        ChangedBy::Actor(actor),
        now,
        Entry {
            organisation_id: actor.organisation_id,
            action: AuditAction::FootprintComputed,
            object_id: Some(id.clone()),
            object_label: &format!("{} v{}", model.sku, model.version),
            changes: vec![FieldChange {
                field: "total_kg_co2e".into(),
                before: None,
                after: Some(tanji_footprint::figure(footprint.total_kg_co2e)),
            }],
        },
    )
    .await?;
    Ok(id)
}

const PUBLICATION_COLUMNS: &str = "id, product_id, footprint_id, sequence, code, version, published_at, content_json, \
                                   sign_off_json, content_hash, previous_hash, record_hash, published_by, \
                                   withdrawn_at, withdrawn_reason, verification_body_id";

/// A publication as read back from its row, or — when a field of it is damaged in the database — what could be read
/// of it, naming the field. Everything is read exactly as stored, tampered with or not: the chain check decides.
pub(crate) fn publication_from_row(row: &AnyRow) -> Result<Publication, UnreadableRecord> {
    let sequence = row.integer("sequence").ok().and_then(|sequence| u64::try_from(sequence).ok());
    let code = row.text("code").ok().and_then(|text| parse_code(&text).ok());
    let version = row.integer("version").ok().and_then(|version| u32::try_from(version).ok());
    let record_hash: Option<Digest> = row.text("record_hash").ok().and_then(|text| text.parse().ok());
    let unreadable = |column: &str| UnreadableRecord {
        sequence: sequence.unwrap_or_default(),
        code: code.clone(),
        version,
        record_hash,
        field: column.to_owned(),
    };
    let digest = |column: &str| {
        row.text(column).ok().and_then(|text| text.parse::<Digest>().ok()).ok_or_else(|| unreadable(column))
    };
    let json = |column: &str| -> Result<Option<serde_json::Value>, UnreadableRecord> {
        let text = row.optional_text(column).map_err(|_| unreadable(column))?;
        text.map(|text| serde_json::from_str(&text).map_err(|_| unreadable(column))).transpose()
    };
    let text = |column: &str| row.text(column).map_err(|_| unreadable(column));
    let record = PublicationRecord {
        sequence: sequence.ok_or_else(|| unreadable("sequence"))?,
        code: code.clone().ok_or_else(|| unreadable("code"))?,
        version: version.ok_or_else(|| unreadable("version"))?,
        published_at: text("published_at")
            .and_then(|text| time_from_db(&text).map_err(|_| unreadable("published_at")))?,
        content: json("content_json")?.ok_or_else(|| unreadable("content_json"))?,
        sign_off: json("sign_off_json")?
            .map(|value| serde_json::from_value(value).map_err(|_| unreadable("sign_off_json")))
            .transpose()?,
        content_hash: digest("content_hash")?,
        previous_hash: digest("previous_hash")?,
        record_hash: record_hash.ok_or_else(|| unreadable("record_hash"))?,
    };
    Ok(Publication {
        id: text("id")?,
        product_id: text("product_id")?,
        footprint_id: text("footprint_id")?,
        record,
        published_by: text("published_by")?,
        withdrawn_at: row.optional_time("withdrawn_at").map_err(|_| unreadable("withdrawn_at"))?,
        withdrawn_reason: row.optional_text("withdrawn_reason").map_err(|_| unreadable("withdrawn_reason"))?,
        verification_body_id: row
            .optional_id("verification_body_id")
            .map_err(|_| unreadable("verification_body_id"))?,
    })
}

/// A damaged publication where a whole one is needed (the console, the API, publishing after it): a storage failure.
fn unreadable_error(unreadable: UnreadableRecord) -> StoreError {
    StoreError::Internal(anyhow::Error::new(unreadable))
}

impl Store {
    /// Create a product.
    pub async fn create_product(&self, actor: &Actor, new: &NewProduct) -> Result<Product, StoreError> {
        actor.require(Permission::EditFootprints)?;
        let new = check_new_product(new)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let id = insert_product(&mut transaction, actor, now, &new, None).await?;
        transaction.commit().await?;
        self.product(actor, &id).await
    }

    /// Create a product from a footprint file in one go: the conventional product it is compared with (when the file
    /// has one) and the product, each with model version 1 and its footprint — the product's compared with the
    /// baseline's, with a Monte Carlo spread when `monte_carlo_request` is given. Every check and computation runs
    /// first, then everything is written in one transaction, audited as the separate steps would be: if anything
    /// fails (a SKU already taken, a model that does not build), nothing is created.
    pub async fn create_product_from_file(
        &self,
        actor: &Actor,
        file: &FootprintFile,
        note: &str,
        monte_carlo_request: Option<MonteCarloRequest>,
    ) -> Result<Product, StoreError> {
        actor.require(Permission::EditFootprints)?;
        let library = self.factor_library_for(actor).await?;
        let (baseline, library) = match &file.baseline {
            Some(model) => {
                let (baseline, library) = prepare_from_file(model, None, library).await?;
                (Some(baseline), library)
            }
            None => (None, library),
        };
        let (product, library) = prepare_from_file(&file.model, monte_carlo_request, library).await?;
        drop(library);
        let comparison = match &baseline {
            Some(baseline) => {
                Some(compare(&product.footprint, &baseline.footprint).map_err(StoreError::ModelProblems)?)
            }
            None => None,
        };
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let baseline_ids = match &baseline {
            Some(baseline) => {
                let product_id = insert_product(&mut transaction, actor, now, &baseline.new, None).await?;
                let model =
                    insert_model_version(&mut transaction, actor, now, &product_id, &baseline.model, note).await?;
                let footprint_id =
                    insert_footprint(&mut transaction, actor, now, &model, &baseline.footprint, None).await?;
                Some((product_id, footprint_id))
            }
            None => None,
        };
        let baseline_product_id = baseline_ids.as_ref().map(|(product_id, _)| product_id.as_str());
        let product_id = insert_product(&mut transaction, actor, now, &product.new, baseline_product_id).await?;
        let model = insert_model_version(&mut transaction, actor, now, &product_id, &product.model, note).await?;
        let compared = baseline_ids.as_ref().map(|(_, footprint_id)| footprint_id.as_str()).zip(comparison.as_ref());
        insert_footprint(&mut transaction, actor, now, &model, &product.footprint, compared).await?;
        transaction.commit().await?;
        self.product(actor, &product_id).await
    }

    /// The organisation's products, by SKU.
    pub async fn products(&self, actor: &Actor) -> Result<Vec<Product>, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        self.product_rows(actor, None).await
    }

    /// One product with its latest model version, footprint and label code.
    pub async fn product(&self, actor: &Actor, id: &str) -> Result<Product, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        self.product_rows(actor, Some(id)).await?.pop().ok_or(StoreError::NotFound)
    }

    /// Products of the actor's organisation (all, or the one with `id`) with their latest model version, footprint
    /// and label code, in one query.
    async fn product_rows(&self, actor: &Actor, id: Option<&str>) -> Result<Vec<Product>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.id, p.sku, p.name_zh, p.name_en, p.baseline_product_id, p.created_at, p.created_by, \
             (SELECT MAX(m.version) FROM product_models m WHERE m.product_id = p.id) AS latest_model_version, \
             (SELECT f.id FROM footprints f WHERE f.product_id = p.id \
              ORDER BY f.computed_at DESC, f.id DESC LIMIT 1) AS latest_footprint_id, \
             (SELECT f.total_kg_co2e FROM footprints f WHERE f.product_id = p.id \
              ORDER BY f.computed_at DESC, f.id DESC LIMIT 1) AS latest_total_kg_co2e, \
             (SELECT l.code FROM label_publications l WHERE l.product_id = p.id LIMIT 1) AS label_code \
             FROM products p WHERE p.organisation_id = $1 AND ($2 = '' OR p.id = $2) ORDER BY p.sku",
        )
        .bind(actor.organisation_id.to_string())
        .bind(id.unwrap_or_default())
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter()
            .map(|row| {
                let latest_total = row
                    .try_get::<Option<f64>, _>("latest_total_kg_co2e")
                    .map_err(|error| StoreError::Internal(anyhow::Error::new(error)))?;
                Ok(Product {
                    id: row.text("id")?,
                    sku: row.text("sku")?,
                    name_zh: row.text("name_zh")?,
                    name_en: row.text("name_en")?,
                    baseline_product_id: row.optional_text("baseline_product_id")?,
                    created_at: row.time("created_at")?,
                    created_by: row.text("created_by")?,
                    latest_model_version: row
                        .try_get::<Option<i64>, _>("latest_model_version")
                        .map_err(|error| StoreError::Internal(anyhow::Error::new(error)))?,
                    latest_footprint: row.optional_text("latest_footprint_id")?.zip(latest_total),
                    label_code: row.optional_text("label_code")?,
                })
            })
            .collect()
    }

    /// Set (or clear) the conventional product a product is compared with.
    pub async fn set_baseline(
        &self,
        actor: &Actor,
        id: &str,
        baseline_id: Option<&str>,
    ) -> Result<Product, StoreError> {
        actor.require(Permission::EditFootprints)?;
        self.product(actor, id).await?;
        if let Some(baseline_id) = baseline_id {
            if baseline_id == id {
                return Err(FieldError::new(
                    "baseline_product_id",
                    Problem::OutOfRange { min: "another", max: "product" },
                )
                .into());
            }
            // The baseline must be the organisation's own product.
            self.product(actor, baseline_id).await?;
        }
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query("UPDATE products SET baseline_product_id = $1 WHERE id = $2 AND organisation_id = $3")
            .bind(baseline_id)
            .bind(id)
            .bind(actor.organisation_id.to_string())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        self.product(actor, id).await
    }

    /// Save a new version of a product's model. The model is checked (built against the organisation's factor
    /// library) before it is saved, and factor references are pinned to the versions used.
    pub async fn save_model(
        &self,
        actor: &Actor,
        product_id: &str,
        model: &ProductModel,
        note: &str,
    ) -> Result<ModelVersion, StoreError> {
        actor.require(Permission::EditFootprints)?;
        let note = multi_line_text("note", note, MAX_NOTE_CHARS)?;
        let product = self.product(actor, product_id).await?;
        let library = self.factor_library_for(actor).await?;
        self.save_buildable_model(actor, &product, model, &library, &note).await
    }

    /// Saves `model` as the next version of `product`'s model once it builds against `library`, its factor
    /// references pinned; `note` is checked already.
    async fn save_buildable_model(
        &self,
        actor: &Actor,
        product: &Product,
        model: &ProductModel,
        library: &FactorLibrary,
        note: &str,
    ) -> Result<ModelVersion, StoreError> {
        let model = buildable_model(model, &product.sku, library)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let saved = insert_model_version(&mut transaction, actor, now, &product.id, &model, note).await?;
        transaction.commit().await?;
        self.model_version(actor, &product.id, Some(saved.version)).await
    }

    /// Save a footprint file (its TOML, as uploaded) as the next version of a product's model. The file is read
    /// with `tanji_footprint::read_footprint_file` — the reader `tanji footprint compute` uses — against the
    /// organisation's library, so a file with mistakes of both kinds (a value of the wrong type *and* an unknown
    /// factor) reports all of them in one answer, each with its line and key. A `[baseline]` section is read and
    /// checked with the file but is not part of this product's model (save it as the baseline product's model).
    pub async fn save_model_file(
        &self,
        actor: &Actor,
        product_id: &str,
        file: &[u8],
        note: &str,
    ) -> Result<ModelVersion, StoreError> {
        actor.require(Permission::EditFootprints)?;
        let note = multi_line_text("note", note, MAX_NOTE_CHARS)?;
        let product = self.product(actor, product_id).await?;
        let text = std::str::from_utf8(file).map_err(|_| {
            StoreError::ModelProblems(tanji_footprint::Problems::one(tanji_footprint::Problem::new(
                "file",
                tanji_footprint::ProblemKind::NotUtf8,
            )))
        })?;
        let library = self.factor_library_for(actor).await?;
        let file =
            tanji_footprint::read_footprint_file(text, &library, gwp_table()).map_err(StoreError::ModelProblems)?;
        self.save_buildable_model(actor, &product, &file.model, &library, &note).await
    }

    /// A product's model: the version asked for, or the latest.
    pub async fn model_version(
        &self,
        actor: &Actor,
        product_id: &str,
        version: Option<i64>,
    ) -> Result<ModelVersion, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        let row = sqlx::query(
            "SELECT id, product_id, version, model_json, note, created_at, created_by FROM product_models \
             WHERE product_id = $1 AND organisation_id = $2 AND ($3 = 0 OR version = $3) ORDER BY version DESC LIMIT 1",
        )
        .bind(product_id)
        .bind(actor.organisation_id.to_string())
        .bind(version.unwrap_or(0))
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        model_from_row(&row)
    }

    /// Every saved version of a product's model, newest first.
    pub async fn model_versions(&self, actor: &Actor, product_id: &str) -> Result<Vec<ModelVersion>, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        let rows = sqlx::query(
            "SELECT id, product_id, version, model_json, note, created_at, created_by FROM product_models \
             WHERE product_id = $1 AND organisation_id = $2 ORDER BY version DESC",
        )
        .bind(product_id)
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter().map(model_from_row).collect()
    }

    /// Compute a footprint from a model version (the latest when `version` is `None`), compared with the baseline
    /// product's latest footprint when the product has a baseline that has one. `monte_carlo` adds the spread.
    pub async fn compute_footprint(
        &self,
        actor: &Actor,
        product_id: &str,
        version: Option<i64>,
        monte_carlo_request: Option<MonteCarloRequest>,
    ) -> Result<StoredFootprint, StoreError> {
        actor.require(Permission::EditFootprints)?;
        let product = self.product(actor, product_id).await?;
        let model_version = self.model_version(actor, product_id, version).await?;
        let library = self.factor_library_for(actor).await?;
        let (footprint, library) =
            compute_off_the_workers(model_version.model.clone(), library, monte_carlo_request).await?;
        drop(library);
        let baseline = match &product.baseline_product_id {
            Some(baseline_id) => self.latest_footprint(actor, baseline_id).await?,
            None => None,
        };
        let comparison = match &baseline {
            Some(baseline) => Some(compare(&footprint, &baseline.footprint).map_err(StoreError::ModelProblems)?),
            None => None,
        };
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let saved = SavedModel {
            id: model_version.id.clone(),
            product_id: product_id.to_owned(),
            sku: product.sku.clone(),
            version: model_version.version,
        };
        let compared = baseline.as_ref().map(|baseline| baseline.id.as_str()).zip(comparison.as_ref());
        let id = insert_footprint(&mut transaction, actor, now, &saved, &footprint, compared).await?;
        transaction.commit().await?;
        self.footprint(actor, &id).await
    }

    /// A product's latest footprint, if it has one.
    pub async fn latest_footprint(
        &self,
        actor: &Actor,
        product_id: &str,
    ) -> Result<Option<StoredFootprint>, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        let row = sqlx::query(
            "SELECT id FROM footprints WHERE product_id = $1 AND organisation_id = $2 \
             ORDER BY computed_at DESC, id DESC LIMIT 1",
        )
        .bind(product_id)
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?;
        match row {
            Some(row) => Ok(Some(self.footprint(actor, &row.text("id")?).await?)),
            None => Ok(None),
        }
    }

    /// A product's footprints, newest first, each with its baseline's footprint.
    pub async fn footprints(&self, actor: &Actor, product_id: &str) -> Result<Vec<StoredFootprint>, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        self.footprint_rows(actor, "product_id", product_id).await
    }

    /// One footprint, with its baseline's footprint when it was compared with one.
    pub async fn footprint(&self, actor: &Actor, id: &str) -> Result<StoredFootprint, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        self.footprint_rows(actor, "id", id).await?.pop().ok_or(StoreError::NotFound)
    }

    /// Footprints of the actor's organisation whose `column` (`id` or `product_id`) is `value`, newest first. The
    /// baselines they were compared with are read once each, in one more query.
    async fn footprint_rows(
        &self,
        actor: &Actor,
        column: &str,
        value: &str,
    ) -> Result<Vec<StoredFootprint>, StoreError> {
        let column = match column {
            "id" => "id",
            _ => "product_id",
        };
        let rows = sqlx::query(assert_sql(format!(
            "SELECT id, product_id, model_id, model_version, result_json, baseline_footprint_id, comparison_json, \
             computed_at, computed_by, verified_at, verified_by, verifier_organisation, verification_statement, \
             verification_body_id FROM footprints WHERE {column} = $1 AND organisation_id = $2 ORDER BY computed_at DESC, id DESC"
        )))
        .bind(value)
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut baseline_ids: Vec<String> =
            rows.iter().filter_map(|row| row.optional_text("baseline_footprint_id").ok().flatten()).collect();
        baseline_ids.sort();
        baseline_ids.dedup();
        let mut baselines: HashMap<String, Footprint> = HashMap::new();
        if !baseline_ids.is_empty() {
            let placeholders: Vec<String> = (0..baseline_ids.len()).map(|idx| format!("${}", idx + 2)).collect();
            let mut query = sqlx::query(assert_sql(format!(
                "SELECT id, result_json FROM footprints WHERE organisation_id = $1 AND id IN ({})",
                placeholders.join(", ")
            )))
            .bind(actor.organisation_id.to_string());
            for baseline_id in &baseline_ids {
                query = query.bind(baseline_id.clone());
            }
            for row in query.fetch_all(&self.pools.reader).await? {
                baselines.insert(row.text("id")?, serde_json::from_str(&row.text("result_json")?).map_err(json_error)?);
            }
        }
        rows.iter()
            .map(|row| {
                let baseline_footprint_id = row.optional_text("baseline_footprint_id")?;
                let sign_off = match row.optional_time("verified_at")? {
                    Some(signed_at) => Some(VerifierSignOff {
                        verifier_name: row.optional_text("verified_by")?.unwrap_or_default(),
                        verifier_organisation: row.optional_text("verifier_organisation")?.unwrap_or_default(),
                        statement: row.optional_text("verification_statement")?.unwrap_or_default(),
                        signed_at,
                    }),
                    None => None,
                };
                Ok(StoredFootprint {
                    id: row.text("id")?,
                    product_id: row.text("product_id")?,
                    model_id: row.text("model_id")?,
                    model_version: row.integer("model_version")?,
                    footprint: serde_json::from_str(&row.text("result_json")?).map_err(json_error)?,
                    baseline: baseline_footprint_id.as_ref().and_then(|id| baselines.get(id).cloned()),
                    baseline_footprint_id,
                    comparison: row
                        .optional_text("comparison_json")?
                        .map(|text| serde_json::from_str(&text))
                        .transpose()
                        .map_err(json_error)?,
                    computed_at: row.time("computed_at")?,
                    computed_by: row.text("computed_by")?,
                    sign_off,
                    verification_body_id: row.optional_id("verification_body_id")?,
                })
            })
            .collect()
    }

    /// Sign a footprint off as verified (auditors). Once only; a later label publication carries the sign-off.
    pub async fn verify_footprint(
        &self,
        actor: &Actor,
        id: &str,
        verifier_organisation: &str,
        statement: &str,
    ) -> Result<StoredFootprint, StoreError> {
        actor.require(Permission::VerifyFootprints)?;
        let statement = multi_line_text("statement", statement, MAX_STATEMENT_CHARS)?;
        if statement.is_empty() {
            return Err(FieldError::new("statement", Problem::Required).into());
        }
        let verifier_organisation =
            single_line_text("verifier_organisation", verifier_organisation, MAX_ORGANISATION_NAME_CHARS)?;
        // A verifier acting through an engagement signs for the body as it is registered, whatever was typed, and
        // the body is recorded: only such a sign-off is independent verification (`StoredFootprint::assurance`).
        let engaged_body = self.engaged_body(actor).await?;
        let verifier_organisation = match &engaged_body {
            Some(body) => body.name.clone(),
            None => verifier_organisation,
        };
        let (statement, verifier_organisation) = (statement.as_str(), verifier_organisation.as_str());
        let stored = self.footprint(actor, id).await?;
        // The audit log names the footprint as people know it (product and model version), never by its id.
        let object_label = format!("{} v{}", stored.footprint.product.sku, stored.model_version);
        // The sign-off is published with the label: it names the person, never their login e-mail.
        let verifier_name = sqlx::query("SELECT display_name FROM users WHERE id = $1")
            .bind(actor.user_id.to_string())
            .fetch_one(&self.pools.reader)
            .await?
            .text("display_name")?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE footprints SET verified_at = $1, verified_by = $2, verifier_organisation = $3, \
             verification_statement = $4, verification_body_id = $7 \
             WHERE id = $5 AND organisation_id = $6 AND verified_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(&verifier_name)
        .bind(verifier_organisation)
        .bind(statement)
        .bind(id)
        .bind(actor.organisation_id.to_string())
        .bind(engaged_body.map(|body| body.id.to_string()))
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Conflict::AlreadyDone.into());
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::FootprintVerified,
                object_id: Some(id.to_owned()),
                object_label: &object_label,
                changes: vec![FieldChange {
                    field: "statement".into(),
                    before: None,
                    after: Some(statement.to_owned()),
                }],
            },
        )
        .await?;
        transaction.commit().await?;
        self.footprint(actor, id).await
    }

    /// Publish a footprint as a carbon label: a new record in the organisation's chain, under the product's code
    /// (a new code the first time; the next version of the same code after that, so printed QR codes keep working).
    pub async fn publish_footprint(&self, actor: &Actor, footprint_id: &str) -> Result<Publication, StoreError> {
        actor.require(Permission::PublishLabels)?;
        let stored = self.footprint(actor, footprint_id).await?;
        let organisation = self.organisation_display_name(actor).await?;
        let baseline = stored.baseline.as_ref().zip(stored.comparison.as_ref());
        // A comparison with the baseline goes public only when the footprint was verified independently (see
        // `Assurance`).
        let summary =
            published_summary(&organisation, &stored.footprint, baseline, stored.model_version, stored.assurance());
        let content = serde_json::to_value(&summary).map_err(json_error)?;
        let now = self.now();
        let id = new_id().to_string();
        let mut transaction = self.pools.begin_write().await?;
        let previous = sqlx::query(assert_sql(format!(
            "SELECT {PUBLICATION_COLUMNS} FROM label_publications WHERE organisation_id = $1 \
             ORDER BY sequence DESC LIMIT 1"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&mut *transaction)
        .await?
        .map(|row| publication_from_row(&row))
        .transpose()
        .map_err(unreadable_error)?;
        let existing = sqlx::query(
            "SELECT code, MAX(version) AS latest FROM label_publications WHERE product_id = $1 GROUP BY code",
        )
        .bind(&stored.product_id)
        .fetch_optional(&mut *transaction)
        .await?;
        let (code, version) = match existing {
            Some(row) => {
                let code = parse_code(&row.text("code")?)
                    .map_err(|error| StoreError::Internal(anyhow::anyhow!("stored label code: {error}")))?;
                (code, u32::try_from(row.integer("latest")? + 1).unwrap_or(u32::MAX))
            }
            None => (new_code(rand::random()), 1),
        };
        let record = PublicationRecord::publish(
            NewPublication { code, version, published_at: now, content, sign_off: stored.sign_off.clone() },
            previous.as_ref().map(|publication| &publication.record),
        )
        .map_err(|error| StoreError::Internal(anyhow::anyhow!("{error}")))?;
        let inserted = sqlx::query(
            "INSERT INTO label_publications (id, organisation_id, product_id, footprint_id, sequence, code, version, \
             published_at, content_json, sign_off_json, content_hash, previous_hash, record_hash, published_by, \
             verification_body_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&id)
        .bind(actor.organisation_id.to_string())
        .bind(&stored.product_id)
        .bind(&stored.id)
        .bind(i64::try_from(record.sequence).unwrap_or(i64::MAX))
        .bind(record.code.as_str())
        .bind(i64::from(record.version))
        .bind(time_to_db(record.published_at))
        .bind(record.canonical_content())
        .bind(record.sign_off.as_ref().map(serde_json::to_string).transpose().map_err(json_error)?)
        .bind(record.content_hash.to_string())
        .bind(record.previous_hash.to_string())
        .bind(record.record_hash.to_string())
        .bind(&actor.label)
        .bind(stored.sign_off.as_ref().and(stored.verification_body_id).map(|body| body.to_string()))
        .execute(&mut *transaction)
        .await;
        if let Err(error) = inserted {
            if violated_unique_index(
                &error,
                &[("label_publications_sequence", "sequence"), ("label_publications_code_version", "version")],
            )
            .is_some()
            {
                // Someone published at the same moment; the chain stays linear and the caller can try again.
                return Err(Conflict::ConcurrentChange.into());
            }
            return Err(error.into());
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::LabelPublished,
                object_id: Some(id.clone()),
                object_label: &format!("{} v{}", record.code, record.version),
                changes: vec![FieldChange {
                    field: "record_hash".into(),
                    before: None,
                    after: Some(record.record_hash.to_string()),
                }],
            },
        )
        .await?;
        transaction.commit().await?;
        self.publication_by_id(actor, &id).await
    }

    /// Withdraw a published label version: its page says so; the chain keeps the record.
    pub async fn withdraw_publication(&self, actor: &Actor, id: &str, reason: &str) -> Result<Publication, StoreError> {
        actor.require(Permission::PublishLabels)?;
        let reason = multi_line_text("reason", reason, MAX_REASON_CHARS)?;
        if reason.is_empty() {
            return Err(FieldError::new("reason", Problem::Required).into());
        }
        let reason = reason.as_str();
        let publication = self.publication_by_id(actor, id).await?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE label_publications SET withdrawn_at = $1, withdrawn_reason = $2 \
             WHERE id = $3 AND organisation_id = $4 AND withdrawn_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(reason)
        .bind(id)
        .bind(actor.organisation_id.to_string())
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Conflict::AlreadyDone.into());
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::LabelWithdrawn,
                object_id: Some(id.to_owned()),
                object_label: &format!("{} v{}", publication.record.code, publication.record.version),
                changes: vec![FieldChange { field: "reason".into(), before: None, after: Some(reason.to_owned()) }],
            },
        )
        .await?;
        transaction.commit().await?;
        self.publication_by_id(actor, id).await
    }

    /// The organisation's label publications, newest first. A record damaged in the database is left out and logged
    /// (sequence and field), so one bad record does not take the lists down; the public verify view names it.
    pub async fn publications(&self, actor: &Actor) -> Result<Vec<Publication>, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        let rows = sqlx::query(assert_sql(format!(
            "SELECT {PUBLICATION_COLUMNS} FROM label_publications WHERE organisation_id = $1 ORDER BY sequence DESC"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let (publications, damaged): (Vec<_>, Vec<_>) = rows.iter().map(publication_from_row).partition(Result::is_ok);
        for damaged in damaged.into_iter().filter_map(Result::err) {
            tracing::error!(
                organisation_id = %actor.organisation_id,
                sequence = damaged.sequence,
                field = %damaged.field,
                "a stored label publication cannot be read; it is left out of the list"
            );
        }
        Ok(publications.into_iter().filter_map(Result::ok).collect())
    }

    /// One of the organisation's publications.
    pub async fn publication_by_id(&self, actor: &Actor, id: &str) -> Result<Publication, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        let row = sqlx::query(assert_sql(format!(
            "SELECT {PUBLICATION_COLUMNS} FROM label_publications WHERE id = $1 AND organisation_id = $2"
        )))
        .bind(id)
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        publication_from_row(&row).map_err(unreadable_error)
    }

    /// The codes of the labels an organisation has published, for `tanji demo` to print their pages: no login, as
    /// labels are public by design (the verify view of any one of them lists the publisher's whole chain anyway).
    pub async fn public_label_codes(&self, organisation_id: OrganisationId) -> Result<Vec<LabelCode>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, MIN(sequence) AS first FROM label_publications WHERE organisation_id = $1 GROUP BY code \
             ORDER BY first",
        )
        .bind(organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter()
            .map(|row| {
                parse_code(&row.text("code")?)
                    .map_err(|error| StoreError::Internal(anyhow::anyhow!("stored label code: {error}")))
            })
            .collect()
    }

    /// A published label for the public page: no login. `version` `None` is the newest version of the code.
    /// Unknown codes are `NotFound`.
    pub async fn public_label(&self, code: &LabelCode, version: Option<u32>) -> Result<PublicLabel, StoreError> {
        let latest_version = sqlx::query("SELECT MAX(version) AS latest FROM label_publications WHERE code = $1")
            .bind(code.as_str())
            .fetch_one(&self.pools.reader)
            .await?
            .try_get::<Option<i64>, _>("latest")
            .unwrap_or(None)
            .ok_or(StoreError::NotFound)?;
        let latest_version = u32::try_from(latest_version).unwrap_or_default();
        let wanted = version.unwrap_or(latest_version);
        let row = sqlx::query(assert_sql(format!(
            "SELECT organisation_id, {PUBLICATION_COLUMNS} FROM label_publications WHERE code = $1 AND version = $2"
        )))
        .bind(code.as_str())
        .bind(i64::from(wanted))
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        // This record damaged: nothing of it can be shown (a storage failure, logged); its neighbours still show.
        let publication = publication_from_row(&row).map_err(unreadable_error)?;
        let previous = sqlx::query(assert_sql(format!(
            "SELECT {PUBLICATION_COLUMNS} FROM label_publications WHERE organisation_id = $1 AND sequence = $2"
        )))
        .bind(row.text("organisation_id")?)
        .bind(i64::try_from(publication.record.sequence).unwrap_or(i64::MAX) - 1)
        .fetch_optional(&self.pools.reader)
        .await?
        .map(|row| publication_from_row(&row));
        let previous = previous.as_ref().map(|previous| previous.as_ref().map(|previous| &previous.record));
        let check = verify_one_stored(&publication.record, previous);
        Ok(PublicLabel { intact: check.is_ok(), problems: check.problems, publication, latest_version })
    }

    /// The whole publication chain of the organisation that published `code`, verified, for the public verify view.
    pub async fn public_chain(&self, code: &LabelCode) -> Result<PublicChain, StoreError> {
        let row = sqlx::query(
            "SELECT o.id AS organisation_id, o.name AS name FROM label_publications p \
             JOIN organisations o ON o.id = p.organisation_id WHERE p.code = $1 LIMIT 1",
        )
        .bind(code.as_str())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(assert_sql(format!(
            "SELECT {PUBLICATION_COLUMNS} FROM label_publications WHERE organisation_id = $1 ORDER BY sequence"
        )))
        .bind(row.text("organisation_id")?)
        .fetch_all(&self.pools.reader)
        .await?;
        let publications: Vec<StoredPublication> = rows.iter().map(publication_from_row).collect();
        let records: Vec<StoredRecord> = publications
            .iter()
            .map(|publication| publication.as_ref().map(|publication| publication.record.clone()).map_err(Clone::clone))
            .collect();
        Ok(PublicChain { organisation: row.text("name")?, report: verify_stored_chain(&records), publications })
    }

    async fn organisation_display_name(&self, actor: &Actor) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT name FROM organisations WHERE id = $1")
            .bind(actor.organisation_id.to_string())
            .fetch_one(&self.pools.reader)
            .await?;
        Ok(row.text("name")?)
    }
}

/// SQL built from the column-list constant above (no user input), marked safe for sqlx.
fn assert_sql(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

fn model_from_row(row: &AnyRow) -> Result<ModelVersion, StoreError> {
    Ok(ModelVersion {
        id: row.text("id")?,
        product_id: row.text("product_id")?,
        version: row.integer("version")?,
        model: serde_json::from_str(&row.text("model_json")?).map_err(json_error)?,
        note: row.text("note")?,
        created_at: row.time("created_at")?,
        created_by: row.text("created_by")?,
    })
}
