//! Sub-platforms of a carbon-account scheme (the N of 1+N): registered by a platform operator with the behaviours
//! each may report (each bound to the methodologies that may credit it), and their API credentials for event
//! ingestion.
//!
//! Credentials follow the API tokens' rules (`tokens.rs`, `credentials.rs`): a 256-bit random secret with a
//! recognisable prefix, shown once, stored as its SHA-256 digest, revocable. They are a separate kind from member
//! tokens because they act for a sub-platform, not for a person, and can do one thing: report events and read
//! their outcomes (`CredentialScope`). `Store::sub_platform_caller` is what event ingestion will ask.
//!
//! The operator sees its own sub-platforms; a sub-platform organisation sees only the registrations bound to it
//! (`organisation_id`); anyone else gets `NotFound`.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Transaction};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::organisation::OrganisationKind;
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{Actor, FieldError, OrganisationId, Permission};
use uuid::Uuid;

use crate::account_methodologies::Behaviour;
use crate::audit::{self, ChangedBy, Entry};
use crate::credentials;
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::{Conflict, Store, StoreError, new_id};

/// Prefix of sub-platform credential secrets, so that leaked ones are recognisable by secret scanners.
pub const SUB_PLATFORM_SECRET_PREFIX: &str = "tanji_sub_";

/// How many characters of a secret are kept in clear, to tell credentials apart in lists.
const SHOWN_PREFIX_CHARS: usize = SUB_PLATFORM_SECRET_PREFIX.len() + 6;

/// A sub-platform's short name in URLs and events (`food_delivery`): the same form as a behaviour.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubPlatformCode(String);

impl SubPlatformCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Behaviour::parse(raw)
            .map(|behaviour| SubPlatformCode(behaviour.as_str().to_owned()))
            .map_err(|error| FieldError::new("code", error.problem))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a sub-platform may report events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubPlatformStatus {
    Active,
    Suspended,
}

impl SubPlatformStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            SubPlatformStatus::Active => "active",
            SubPlatformStatus::Suspended => "suspended",
        }
    }
}

/// What a sub-platform credential may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CredentialScope {
    /// Report events (HTTP batches, NATS).
    EventsWrite,
    /// Read back the outcome of each reported event, for reconciliation.
    OutcomesRead,
}

impl CredentialScope {
    pub const ALL: [CredentialScope; 2] = [CredentialScope::EventsWrite, CredentialScope::OutcomesRead];

    pub const fn as_str(self) -> &'static str {
        match self {
            CredentialScope::EventsWrite => "events:write",
            CredentialScope::OutcomesRead => "outcomes:read",
        }
    }

    /// A comma-separated list such as `events:write,outcomes:read`; at least one, no repeats.
    pub fn parse_list(raw: &str) -> Result<Vec<CredentialScope>, FieldError> {
        let mut scopes = Vec::new();
        for name in raw.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            let scope = tanji_tenancy::validation::one_of(
                "scopes",
                name,
                &CredentialScope::ALL.map(|scope| (scope.as_str(), scope)),
            )?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(FieldError::new("scopes", Problem::Required));
        }
        scopes.sort();
        Ok(scopes)
    }

    fn join(scopes: &[CredentialScope]) -> String {
        scopes.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// A behaviour a sub-platform may report, and a methodology (by number, any of its versions) that may credit it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AllowedBehaviour {
    pub behaviour: Behaviour,
    pub methodology_number: u32,
}

/// A sub-platform to register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSubPlatform {
    pub code: SubPlatformCode,
    pub name_zh: String,
    pub name_en: String,
    /// Its own organisation on tanji (kind sub-platform), whose members then see this registration and its links.
    pub organisation_id: Option<OrganisationId>,
    pub behaviours: Vec<AllowedBehaviour>,
}

impl NewSubPlatform {
    pub fn parse(
        code: &str,
        name_zh: &str,
        name_en: &str,
        organisation_id: Option<OrganisationId>,
        behaviours: Vec<AllowedBehaviour>,
    ) -> Result<Self, FieldError> {
        if behaviours.is_empty() {
            return Err(FieldError::new("behaviours", Problem::Required));
        }
        let mut behaviours = behaviours;
        behaviours.sort();
        behaviours.dedup();
        Ok(NewSubPlatform {
            code: SubPlatformCode::parse(code)?,
            name_zh: single_line_text("name_zh", name_zh, 100)?,
            name_en: single_line_text("name_en", name_en, 100)?,
            organisation_id,
            behaviours,
        })
    }
}

/// A registered sub-platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubPlatform {
    pub id: Uuid,
    pub operator_id: OrganisationId,
    pub code: SubPlatformCode,
    pub name_zh: String,
    pub name_en: String,
    pub organisation_id: Option<OrganisationId>,
    pub organisation_name: Option<String>,
    pub status: SubPlatformStatus,
    pub registered_at: Timestamp,
    pub behaviours: Vec<AllowedBehaviour>,
    /// Identities linked to parent accounts now (unlinked ones excluded).
    pub n_links_in_force: i64,
    /// Credentials not revoked.
    pub n_active_credentials: i64,
}

impl SubPlatform {
    /// The name in the reader's language.
    pub fn name(&self, english: bool) -> &str {
        if english { &self.name_en } else { &self.name_zh }
    }
}

/// An API credential of a sub-platform (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubPlatformCredential {
    pub id: Uuid,
    pub sub_platform_id: Uuid,
    pub name: String,
    /// The first characters of the secret, to tell credentials apart.
    pub secret_prefix: String,
    pub scopes: Vec<CredentialScope>,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// Who presented a sub-platform credential: what event ingestion acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubPlatformCaller {
    pub sub_platform_id: Uuid,
    pub operator_id: OrganisationId,
    pub credential_id: Uuid,
    pub scopes: Vec<CredentialScope>,
}

const SUB_PLATFORM_COLUMNS: &str = "s.id, s.operator_id, s.code, s.name_zh, s.name_en, s.organisation_id, \
     o.name AS organisation_name, s.status, s.registered_at, \
     (SELECT COUNT(*) FROM account_identity_links l WHERE l.sub_platform_id = s.id AND l.unlinked_at IS NULL) AS n_links, \
     (SELECT COUNT(*) FROM account_sub_platform_credentials c WHERE c.sub_platform_id = s.id AND c.revoked_at IS NULL) AS n_credentials";

/// The SQL condition confining sub-platforms `s` to what the actor (`$1`) may see: an operator's own, or those
/// bound to the actor's sub-platform organisation.
const VISIBLE_TO_ACTOR: &str = "(s.operator_id = $1 OR s.organisation_id = $1)";

impl Store {
    /// Registers a sub-platform with the behaviours it may report. Each behaviour must be the one its methodology
    /// credits (any version of it), and a bound organisation must be a sub-platform.
    pub async fn register_sub_platform(&self, actor: &Actor, new: &NewSubPlatform) -> Result<SubPlatform, StoreError> {
        actor.require(Permission::ManageSubPlatforms)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        if let Some(organisation_id) = new.organisation_id {
            let kind = sqlx::query("SELECT kind FROM organisations WHERE id = $1")
                .bind(organisation_id.to_string())
                .fetch_optional(&mut *transaction)
                .await?;
            let is_sub_platform = match kind {
                Some(row) => row.text("kind")? == OrganisationKind::SubPlatform.as_str(),
                None => false,
            };
            if !is_sub_platform {
                return Err(FieldError::new(
                    "organisation_id",
                    Problem::Malformed { expected: "the id of a registered organisation of kind sub_platform" },
                )
                .into());
            }
        }
        for allowed in &new.behaviours {
            let credits = sqlx::query(
                "SELECT COUNT(*) AS n FROM account_methodology_versions \
                 WHERE operator_id = $1 AND methodology_number = $2 AND behaviour = $3",
            )
            .bind(actor.organisation_id.to_string())
            .bind(i64::from(allowed.methodology_number))
            .bind(allowed.behaviour.as_str())
            .fetch_one(&mut *transaction)
            .await?
            .integer("n")?;
            if credits == 0 {
                return Err(FieldError::new(
                    "behaviours",
                    Problem::Malformed {
                        expected: "behaviours each paired with the number of one of your methodologies that credits it",
                    },
                )
                .into());
            }
        }
        let id = new_id();
        let inserted = sqlx::query(
            "INSERT INTO account_sub_platforms (id, operator_id, code, name_zh, name_en, organisation_id, status, \
             registered_at, registered_by) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8)",
        )
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(new.code.as_str())
        .bind(&new.name_zh)
        .bind(&new.name_en)
        .bind(new.organisation_id.map(|id| id.to_string()))
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&mut *transaction)
        .await;
        if let Err(error) = inserted {
            if violated_unique_index(
                &error,
                &[("account_sub_platforms_code", "account_sub_platforms.operator_id, account_sub_platforms.code")],
            )
            .is_some()
            {
                return Err(Conflict::SubPlatformCode.into());
            }
            return Err(error.into());
        }
        for allowed in &new.behaviours {
            sqlx::query(
                "INSERT INTO account_sub_platform_behaviours (sub_platform_id, behaviour, methodology_number) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id.to_string())
            .bind(allowed.behaviour.as_str())
            .bind(i64::from(allowed.methodology_number))
            .execute(&mut *transaction)
            .await?;
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::SubPlatformRegistered,
                object_id: Some(id.to_string()),
                object_label: &new.name_zh,
                changes: Vec::new(),
            },
        )
        .await?;
        let registered = sub_platform_in(&mut transaction, actor, id).await?.ok_or(StoreError::NotFound)?;
        transaction.commit().await?;
        Ok(registered)
    }

    /// The sub-platforms the actor may see: an operator's own, or a sub-platform organisation's registrations.
    pub async fn list_sub_platforms(&self, actor: &Actor) -> Result<Vec<SubPlatform>, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        let mut transaction = self.pools.reader.begin().await?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {SUB_PLATFORM_COLUMNS} FROM account_sub_platforms s LEFT JOIN organisations o ON o.id = s.organisation_id \
             WHERE {VISIBLE_TO_ACTOR} ORDER BY s.registered_at, s.code"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&mut *transaction)
        .await?;
        let mut sub_platforms = Vec::with_capacity(rows.len());
        for row in &rows {
            sub_platforms.push(sub_platform_from_row(&mut transaction, row).await?);
        }
        Ok(sub_platforms)
    }

    /// One sub-platform the actor may see.
    pub async fn sub_platform(&self, actor: &Actor, id: Uuid) -> Result<SubPlatform, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        let mut transaction = self.pools.reader.begin().await?;
        sub_platform_in(&mut transaction, actor, id).await?.ok_or(StoreError::NotFound)
    }

    /// A sub-platform's credentials, newest first (operator only: they are the operator's to issue and revoke).
    pub async fn list_sub_platform_credentials(
        &self,
        actor: &Actor,
        sub_platform_id: Uuid,
    ) -> Result<Vec<SubPlatformCredential>, StoreError> {
        actor.require(Permission::ManageSubPlatforms)?;
        let mut transaction = self.pools.reader.begin().await?;
        owned_sub_platform(&mut transaction, actor, sub_platform_id).await?;
        let rows = sqlx::query(
            "SELECT id, sub_platform_id, name, secret_prefix, scopes, created_at, last_used_at, revoked_at \
             FROM account_sub_platform_credentials WHERE sub_platform_id = $1 ORDER BY created_at DESC",
        )
        .bind(sub_platform_id.to_string())
        .fetch_all(&mut *transaction)
        .await?;
        Ok(rows.iter().map(credential_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Issues a credential to a sub-platform. Returns it with its secret, which is shown this once.
    pub async fn issue_sub_platform_credential(
        &self,
        actor: &Actor,
        sub_platform_id: Uuid,
        name: &str,
        scopes: &[CredentialScope],
    ) -> Result<(SubPlatformCredential, String), StoreError> {
        actor.require(Permission::ManageSubPlatforms)?;
        let name = single_line_text("name", name, 100)?;
        if scopes.is_empty() {
            return Err(FieldError::new("scopes", Problem::Required).into());
        }
        let now = self.now();
        let secret = credentials::new_secret(SUB_PLATFORM_SECRET_PREFIX);
        let secret_prefix: String = secret.chars().take(SHOWN_PREFIX_CHARS).collect();
        let id = new_id();
        let mut transaction = self.pools.begin_write().await?;
        let sub_platform_name = owned_sub_platform(&mut transaction, actor, sub_platform_id).await?;
        sqlx::query(
            "INSERT INTO account_sub_platform_credentials (id, sub_platform_id, name, secret_hash, secret_prefix, \
             scopes, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(sub_platform_id.to_string())
        .bind(&name)
        .bind(credentials::secret_digest(&secret))
        .bind(&secret_prefix)
        .bind(CredentialScope::join(scopes))
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&mut *transaction)
        .await?;
        let label = format!("{sub_platform_name} · {name}");
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::SubPlatformCredentialIssued,
                object_id: Some(id.to_string()),
                object_label: &label,
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        let mut sorted = scopes.to_vec();
        sorted.sort();
        sorted.dedup();
        let credential = SubPlatformCredential {
            id,
            sub_platform_id,
            name,
            secret_prefix,
            scopes: sorted,
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        };
        Ok((credential, secret))
    }

    /// Revokes a sub-platform's credential; it stops working at once.
    pub async fn revoke_sub_platform_credential(
        &self,
        actor: &Actor,
        sub_platform_id: Uuid,
        credential_id: Uuid,
    ) -> Result<SubPlatformCredential, StoreError> {
        actor.require(Permission::ManageSubPlatforms)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let sub_platform_name = owned_sub_platform(&mut transaction, actor, sub_platform_id).await?;
        let row = sqlx::query(
            "SELECT id, sub_platform_id, name, secret_prefix, scopes, created_at, last_used_at, revoked_at \
             FROM account_sub_platform_credentials WHERE id = $1 AND sub_platform_id = $2",
        )
        .bind(credential_id.to_string())
        .bind(sub_platform_id.to_string())
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        let credential = credential_from_row(&row)?;
        let revoked = sqlx::query(
            "UPDATE account_sub_platform_credentials SET revoked_at = $1, revoked_by = $2 \
             WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .bind(credential_id.to_string())
        .execute(&mut *transaction)
        .await?;
        if revoked.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        let label = format!("{sub_platform_name} · {}", credential.name);
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::SubPlatformCredentialRevoked,
                object_id: Some(credential_id.to_string()),
                object_label: &label,
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(SubPlatformCredential { revoked_at: Some(now), ..credential })
    }

    /// The sub-platform a presented credential secret stands for, or `None` if the secret is unknown or revoked,
    /// or the sub-platform is suspended. What event ingestion authenticates with.
    pub async fn sub_platform_caller(&self, secret: &str) -> Result<Option<SubPlatformCaller>, StoreError> {
        if !secret.starts_with(SUB_PLATFORM_SECRET_PREFIX) {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT c.id, c.sub_platform_id, c.scopes, c.revoked_at, s.operator_id, s.status \
             FROM account_sub_platform_credentials c JOIN account_sub_platforms s ON s.id = c.sub_platform_id \
             WHERE c.secret_hash = $1",
        )
        .bind(credentials::secret_digest(secret))
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.optional_text("revoked_at")?.is_some() || row.text("status")? != SubPlatformStatus::Active.as_str() {
            return Ok(None);
        }
        let scopes = CredentialScope::parse_list(&row.text("scopes")?).map_err(anyhow::Error::from)?;
        Ok(Some(SubPlatformCaller {
            sub_platform_id: row.id("sub_platform_id")?,
            operator_id: row.id("operator_id")?,
            credential_id: row.id("id")?,
            scopes,
        }))
    }
}

/// The name of a sub-platform the actor's organisation operates, or `NotFound`.
pub(crate) async fn owned_sub_platform(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    sub_platform_id: Uuid,
) -> Result<String, StoreError> {
    let row = sqlx::query("SELECT name_zh FROM account_sub_platforms WHERE id = $1 AND operator_id = $2")
        .bind(sub_platform_id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&mut **transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.text("name_zh")?)
}

async fn sub_platform_in(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    id: Uuid,
) -> Result<Option<SubPlatform>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {SUB_PLATFORM_COLUMNS} FROM account_sub_platforms s LEFT JOIN organisations o ON o.id = s.organisation_id \
         WHERE {VISIBLE_TO_ACTOR} AND s.id = $2"
    )))
    .bind(actor.organisation_id.to_string())
    .bind(id.to_string())
    .fetch_optional(&mut **transaction)
    .await?;
    match row {
        Some(row) => Ok(Some(sub_platform_from_row(transaction, &row).await?)),
        None => Ok(None),
    }
}

async fn sub_platform_from_row(
    transaction: &mut Transaction<'static, Any>,
    row: &AnyRow,
) -> Result<SubPlatform, StoreError> {
    let id: Uuid = row.id("id")?;
    let behaviours = sqlx::query(
        "SELECT behaviour, methodology_number FROM account_sub_platform_behaviours WHERE sub_platform_id = $1 \
         ORDER BY behaviour, methodology_number",
    )
    .bind(id.to_string())
    .fetch_all(&mut **transaction)
    .await?
    .iter()
    .map(|row| {
        Ok(AllowedBehaviour {
            behaviour: Behaviour::parse(&row.text("behaviour")?)?,
            methodology_number: u32::try_from(row.integer("methodology_number")?)?,
        })
    })
    .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(SubPlatform {
        id,
        operator_id: row.id("operator_id")?,
        code: SubPlatformCode::parse(&row.text("code")?).map_err(anyhow::Error::from)?,
        name_zh: row.text("name_zh")?,
        name_en: row.text("name_en")?,
        organisation_id: row.optional_id("organisation_id")?,
        organisation_name: row.optional_text("organisation_name")?,
        status: if row.text("status")? == "active" { SubPlatformStatus::Active } else { SubPlatformStatus::Suspended },
        registered_at: row.time("registered_at")?,
        behaviours,
        n_links_in_force: row.integer("n_links")?,
        n_active_credentials: row.integer("n_credentials")?,
    })
}

fn credential_from_row(row: &AnyRow) -> anyhow::Result<SubPlatformCredential> {
    Ok(SubPlatformCredential {
        id: row.id("id")?,
        sub_platform_id: row.id("sub_platform_id")?,
        name: row.text("name")?,
        secret_prefix: row.text("secret_prefix")?,
        scopes: CredentialScope::parse_list(&row.text("scopes")?)?,
        created_at: row.time("created_at")?,
        last_used_at: row.optional_time("last_used_at")?,
        revoked_at: row.optional_time("revoked_at")?,
    })
}
