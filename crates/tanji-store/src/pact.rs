//! PACT v3 exchange (issue 11): partners' OAuth clients and access tokens, the footprints each partner may see, the
//! carbon contents a data owner declares, and the events partners post.
//!
//! Who sees what: a client belongs to one organisation (the data owner) and sees only that organisation's label
//! publications — all of them when the carbon manager shared them publicly (labels are public anyway), else only
//! while the customer link it was made for is in force and the supplier shares its published footprints on it. The
//! rule is one SQL join, evaluated on every request with the client's revocation, like [`Store::shared_footprints`].

use jiff::{SignedDuration, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use tanji_footprint::{Assurance, Footprint};
use tanji_pact::mapping::{CarbonContent, MappingProblem, PactSource, PactStatus, VerificationSource, company_urn};
use tanji_pact::{Decimal, ProductFootprint, map_footprint};
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::member::Password;
use tanji_tenancy::supplier_share::ShareKind;
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{Actor, FieldError, OrganisationId, Permission, SupplierLinkId};

use crate::audit::{self, ChangedBy, Entry};
use crate::credentials;
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::products::{Publication, publication_from_row};
use crate::supplier_shares::SHARED_PUBLICATION_COLUMNS;
use crate::{Conflict, Store, StoreError, new_id};

/// How long an access token works.
pub const PACT_TOKEN_LIFETIME: SignedDuration = SignedDuration::from_secs(3600);
/// Prefix of client ids (public) and client secrets (shown once).
pub const PACT_CLIENT_ID_PREFIX: &str = "tanji_pact_client_";
/// Prefix of client secrets.
pub const PACT_CLIENT_SECRET_PREFIX: &str = "tanji_pact_secret_";
/// Prefix of access tokens.
pub const PACT_ACCESS_TOKEN_PREFIX: &str = "tanji_pact_at_";
const MAX_NAME_CHARS: usize = 200;
/// The unique index of received events, and the columns SQLite names when it is violated.
const EVENT_KEY: [(&str, &str); 1] = [(
    "pact_events_source_id",
    "pact_events.organisation_id, pact_events.direction, pact_events.event_source, pact_events.event_id",
)];

/// Which footprints a partner sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PactSharing {
    /// The customer of this link, while the link and its published-footprints share are in force.
    Customer(SupplierLinkId),
    /// Every label the organisation published.
    Public,
}

/// A partner's client, as the console lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct PactClient {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub sharing: PactSharing,
    /// The customer's name, for a customer client.
    pub partner_name: Option<String>,
    pub events_url: Option<String>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// A client to create.
#[derive(Clone, Debug)]
pub struct NewPactClient {
    pub name: String,
    pub sharing: PactSharing,
    pub events_url: Option<String>,
}

/// An issued access token.
#[derive(Clone, Debug)]
pub struct IssuedPactToken {
    /// The bearer token, shown to the client once.
    pub access_token: String,
    pub expires_in_seconds: i64,
    pub scopes: Vec<String>,
}

/// Who is calling the PACT API: a client with a token in force.
#[derive(Clone, Debug, PartialEq)]
pub struct PactCaller {
    /// The client's row id.
    pub client: String,
    pub organisation_id: OrganisationId,
    pub sharing: PactSharing,
    pub scopes: Vec<String>,
}

/// Why a bearer token is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PactTokenRefusal {
    /// Unknown, or its client was revoked.
    Invalid,
    /// It was valid once and has expired.
    Expired,
}

/// One publication as the data owner's console sees it for PACT: the footprint partners get, or why there is none.
#[derive(Clone, Debug)]
pub struct PactOffer {
    pub publication_id: String,
    pub label: String,
    pub product_name_zh: String,
    pub product_name_en: String,
    pub status: PactStatus,
    pub mapped: Result<Box<ProductFootprint>, Vec<MappingProblem>>,
}

/// An event received from or sent to a partner.
#[derive(Clone, Debug, PartialEq)]
pub struct PactEventRecord {
    pub id: String,
    pub direction: String,
    pub event_type: String,
    pub event_id: String,
    pub event_source: String,
    pub state: String,
    pub received_at: Timestamp,
    pub attempts: i64,
    pub last_error: Option<String>,
}

fn client_from_row(row: &AnyRow) -> anyhow::Result<PactClient> {
    Ok(PactClient {
        id: row.text("id")?,
        name: row.text("name")?,
        client_id: row.text("client_id")?,
        sharing: sharing_from_row(row)?,
        partner_name: row.optional_text("partner_name")?,
        events_url: row.optional_text("events_url")?,
        created_at: row.time("created_at")?,
        revoked_at: row.optional_time("revoked_at")?,
    })
}

fn sharing_from_row(row: &AnyRow) -> anyhow::Result<PactSharing> {
    Ok(match row.text("sharing")?.as_str() {
        "public" => PactSharing::Public,
        _ => PactSharing::Customer(
            row.optional_id("partner_link_id")?.ok_or_else(|| anyhow::anyhow!("a customer client without its link"))?,
        ),
    })
}

const CLIENT_COLUMNS: &str = "c.id, c.name, c.client_id, c.sharing, c.partner_link_id, c.events_url, c.created_at, \
     c.revoked_at, o.name AS partner_name";
const CLIENT_JOINS: &str = "FROM pact_clients c LEFT JOIN supplier_links l ON l.id = c.partner_link_id \
     LEFT JOIN organisations o ON o.id = l.customer_organisation_id";

/// The columns of a publication with what the mapping reads beside it.
fn offer_query(condition: &str) -> String {
    format!(
        "SELECT {SHARED_PUBLICATION_COLUMNS}, p.organisation_id AS owner_id, f.result_json, o.name AS owner_name, \
         cc.fossil_kg_c, cc.biogenic_kg_c \
         FROM label_publications p JOIN footprints f ON f.id = p.footprint_id \
         JOIN organisations o ON o.id = p.organisation_id \
         LEFT JOIN pact_carbon_contents cc ON cc.publication_id = p.id \
         WHERE {condition} ORDER BY p.published_at, p.id"
    )
}

struct OfferRow {
    publication: Publication,
    owner_id: String,
    owner_name: String,
    footprint: Footprint,
    carbon_content: Option<CarbonContent>,
}

fn offer_from_row(row: &AnyRow) -> Option<OfferRow> {
    let publication = publication_from_row(row).ok()?;
    let footprint = serde_json::from_str(&row.text("result_json").ok()?).ok()?;
    let carbon_content = match row.optional_text("fossil_kg_c").ok()? {
        Some(fossil) => Some(CarbonContent {
            fossil_kg_c: Decimal::parse(&fossil).ok()?,
            biogenic_kg_c: row.optional_text("biogenic_kg_c").ok()?.and_then(|text| Decimal::parse(&text).ok()),
        }),
        None => None,
    };
    Some(OfferRow {
        publication,
        owner_id: row.text("owner_id").ok()?,
        owner_name: row.text("owner_name").ok()?,
        footprint,
        carbon_content,
    })
}

/// Status and preceding versions of every row, from the versions of each label among `rows`.
fn map_offers(
    rows: &[OfferRow],
    issuer_domain: &str,
) -> Vec<(PactStatus, Result<ProductFootprint, Vec<MappingProblem>>)> {
    rows.iter()
        .map(|row| {
            let code = &row.publication.record.code;
            let version = row.publication.record.version;
            let same_label = || rows.iter().filter(|other| &other.publication.record.code == code);
            let mut preceding: Vec<(u32, String)> = same_label()
                .filter(|other| other.publication.record.version < version)
                .map(|other| (other.publication.record.version, other.publication.id.clone()))
                .collect();
            preceding.sort();
            let superseded = same_label().any(|other| other.publication.record.version > version);
            let status = if superseded || row.publication.withdrawn_at.is_some() {
                PactStatus::Deprecated
            } else {
                PactStatus::Active
            };
            let verification = match (row.publication.assurance(), &row.publication.record.sign_off) {
                (Assurance::Verified, Some(sign_off)) => Some(VerificationSource {
                    provider_name: sign_off.verifier_organisation.clone(),
                    completed_at: sign_off.signed_at,
                    statement: sign_off.statement.clone(),
                }),
                _ => None,
            };
            let source = PactSource {
                id: &row.publication.id,
                created: row.publication.record.published_at,
                status,
                preceding_ids: preceding.into_iter().map(|(_, id)| id).collect(),
                company_name: &row.owner_name,
                company_ids: vec![company_urn(&row.owner_id)],
                issuer_domain,
                footprint: &row.footprint,
                verification,
                carbon_content: row.carbon_content.clone(),
            };
            (status, map_footprint(&source))
        })
        .collect()
}

impl Store {
    /// Creates a partner's client; returns it and its secret, shown this once and stored only as an Argon2id hash.
    pub async fn create_pact_client(
        &self,
        actor: &Actor,
        new: &NewPactClient,
    ) -> Result<(PactClient, String), StoreError> {
        actor.require(Permission::PublishLabels)?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(
                FieldError::new("name", Problem::Malformed { expected: "a name of 1 to 200 characters" }).into()
            );
        }
        if let Some(url) = &new.events_url
            && !(url.starts_with("https://") && url.len() <= 2000 && !url.chars().any(char::is_whitespace))
        {
            return Err(FieldError::new("events_url", Problem::Malformed { expected: "an https:// URL" }).into());
        }
        let link_id = match new.sharing {
            PactSharing::Customer(link_id) => {
                // The link must be this organisation's, as the supplier, and in force.
                let found = sqlx::query(
                    "SELECT id FROM supplier_links WHERE id = $1 AND supplier_organisation_id = $2 AND ended_at IS NULL",
                )
                .bind(link_id.to_string())
                .bind(actor.organisation_id.to_string())
                .fetch_optional(&self.pools.reader)
                .await?;
                if found.is_none() {
                    return Err(StoreError::NotFound);
                }
                Some(link_id.to_string())
            }
            PactSharing::Public => None,
        };
        let client_id = credentials::new_secret(PACT_CLIENT_ID_PREFIX);
        let secret = credentials::new_secret(PACT_CLIENT_SECRET_PREFIX);
        let to_hash = Password::for_login(&secret);
        let secret_hash = tokio::task::spawn_blocking(move || credentials::hash_password(&to_hash))
            .await
            .map_err(anyhow::Error::from)??;
        let id = new_id().to_string();
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query(
            "INSERT INTO pact_clients (id, organisation_id, name, client_id, secret_hash, sharing, partner_link_id, \
             events_url, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(actor.organisation_id.to_string())
        .bind(name)
        .bind(&client_id)
        .bind(secret_hash)
        .bind(if link_id.is_some() { "customer" } else { "public" })
        .bind(link_id.clone())
        .bind(new.events_url.clone())
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&mut *transaction)
        .await?;
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::PactClientCreated,
                object_id: Some(id.clone()),
                object_label: name,
                changes: vec![FieldChange {
                    field: "sharing".into(),
                    before: None,
                    after: Some(link_id.map_or("public".to_owned(), |link| format!("customer:{link}"))),
                }],
            },
        )
        .await?;
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {CLIENT_COLUMNS} {CLIENT_JOINS} WHERE c.id = $1")))
            .bind(&id)
            .fetch_one(&mut *transaction)
            .await?;
        let client = client_from_row(&row)?;
        transaction.commit().await?;
        Ok((client, secret))
    }

    /// The organisation's partner clients, newest first.
    pub async fn pact_clients(&self, actor: &Actor) -> Result<Vec<PactClient>, StoreError> {
        actor.require(Permission::PublishLabels)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CLIENT_COLUMNS} {CLIENT_JOINS} WHERE c.organisation_id = $1 ORDER BY c.created_at DESC, c.id"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(client_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Revokes a client: it gets no new token, and its tokens stop working at once.
    pub async fn revoke_pact_client(&self, actor: &Actor, id: &str) -> Result<(), StoreError> {
        actor.require(Permission::PublishLabels)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let row =
            sqlx::query("SELECT name FROM pact_clients WHERE id = $1 AND organisation_id = $2 AND revoked_at IS NULL")
                .bind(id)
                .bind(actor.organisation_id.to_string())
                .fetch_optional(&mut *transaction)
                .await?
                .ok_or(StoreError::NotFound)?;
        let name = row.text("name")?;
        sqlx::query("UPDATE pact_clients SET revoked_at = $1, revoked_by = $2 WHERE id = $3")
            .bind(time_to_db(now))
            .bind(actor.user_id.to_string())
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM pact_access_tokens WHERE pact_client_id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::PactClientRevoked,
                object_id: Some(id.to_owned()),
                object_label: &name,
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Issues an access token to a client that proves its secret; `None` for an unknown, revoked or wrong one (the
    /// caller answers `invalid_client` without saying which).
    pub async fn issue_pact_token(
        &self,
        client_id: &str,
        secret: &str,
        scopes: &[String],
    ) -> Result<Option<IssuedPactToken>, StoreError> {
        let row = sqlx::query("SELECT id, secret_hash FROM pact_clients WHERE client_id = $1 AND revoked_at IS NULL")
            .bind(client_id)
            .fetch_optional(&self.pools.reader)
            .await?;
        let (client, stored_hash) = match &row {
            Some(row) => (Some(row.text("id")?), row.text("secret_hash")?),
            None => (None, credentials::decoy_password_hash().to_owned()),
        };
        let presented = Password::for_login(secret);
        let matches = tokio::task::spawn_blocking(move || credentials::verify_password(&presented, &stored_hash))
            .await
            .map_err(anyhow::Error::from)?;
        let Some(client) = client.filter(|_| matches) else { return Ok(None) };
        let scopes: Vec<String> = if scopes.is_empty() {
            vec![tanji_pact::SCOPE_LIST.to_owned(), tanji_pact::SCOPE_READ.to_owned()]
        } else {
            scopes.to_vec()
        };
        let token = credentials::new_secret(PACT_ACCESS_TOKEN_PREFIX);
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        // Expired tokens of this client are of no use to anyone: cleared as new ones are issued.
        sqlx::query("DELETE FROM pact_access_tokens WHERE pact_client_id = $1 AND expires_at < $2")
            .bind(&client)
            .bind(time_to_db(now))
            .execute(&mut *transaction)
            .await?;
        sqlx::query(
            "INSERT INTO pact_access_tokens (token_hash, pact_client_id, scopes, issued_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(credentials::secret_digest(&token))
        .bind(&client)
        .bind(scopes.join(" "))
        .bind(time_to_db(now))
        .bind(time_to_db(now + PACT_TOKEN_LIFETIME))
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(Some(IssuedPactToken { access_token: token, expires_in_seconds: PACT_TOKEN_LIFETIME.as_secs(), scopes }))
    }

    /// The caller a bearer token stands for, checked against its expiry and its client's revocation.
    pub async fn pact_caller(&self, token: &str) -> Result<Result<PactCaller, PactTokenRefusal>, StoreError> {
        let row = sqlx::query(
            "SELECT t.scopes, t.expires_at, c.id, c.organisation_id, c.sharing, c.partner_link_id \
             FROM pact_access_tokens t JOIN pact_clients c ON c.id = t.pact_client_id AND c.revoked_at IS NULL \
             WHERE t.token_hash = $1",
        )
        .bind(credentials::secret_digest(token))
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(Err(PactTokenRefusal::Invalid)) };
        if row.time("expires_at")? <= self.now() {
            return Ok(Err(PactTokenRefusal::Expired));
        }
        Ok(Ok(PactCaller {
            client: row.text("id")?,
            organisation_id: row.id("organisation_id")?,
            sharing: sharing_from_row(&row)?,
            scopes: row.text("scopes")?.split_whitespace().map(str::to_owned).collect(),
        }))
    }

    /// Every footprint the caller may see, as v3 ProductFootprints in creation order (a publication the mapping
    /// refuses is left out; the console says why). `issuer_domain` names this host in product id URNs.
    pub async fn pact_footprints(
        &self,
        caller: &PactCaller,
        issuer_domain: &str,
    ) -> Result<Vec<ProductFootprint>, StoreError> {
        let rows = self.pact_offer_rows(caller).await?;
        Ok(map_offers(&rows, issuer_domain).into_iter().filter_map(|(_, mapped)| mapped.ok()).collect())
    }

    /// Whether a publication with this id belongs to the caller's data owner at all (then a refusal is 403, not 404).
    pub async fn pact_footprint_exists_for_owner(&self, caller: &PactCaller, id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT id FROM label_publications WHERE id = $1 AND organisation_id = $2")
            .bind(id)
            .bind(caller.organisation_id.to_string())
            .fetch_optional(&self.pools.reader)
            .await?;
        Ok(row.is_some())
    }

    async fn pact_offer_rows(&self, caller: &PactCaller) -> Result<Vec<OfferRow>, StoreError> {
        // The client is checked again here (not revoked), in the same statement as the share and the link.
        let condition = "p.organisation_id = $1 AND EXISTS (SELECT 1 FROM pact_clients k WHERE k.id = $2 \
             AND k.organisation_id = p.organisation_id AND k.revoked_at IS NULL AND (k.sharing = 'public' OR EXISTS \
             (SELECT 1 FROM supplier_links l JOIN supplier_shares s ON s.supplier_link_id = l.id AND s.kind = $3 \
             AND s.revoked_at IS NULL WHERE l.id = k.partner_link_id AND l.supplier_organisation_id = p.organisation_id \
             AND l.ended_at IS NULL)))";
        let rows = sqlx::query(AssertSqlSafe(offer_query(condition)))
            .bind(caller.organisation_id.to_string())
            .bind(&caller.client)
            .bind(ShareKind::PublishedFootprints.as_str())
            .fetch_all(&self.pools.reader)
            .await?;
        Ok(rows.iter().filter_map(offer_from_row).collect())
    }

    /// The organisation's publications as PACT would offer them: each mapped footprint, or why it cannot be one.
    pub async fn pact_offers(&self, actor: &Actor, issuer_domain: &str) -> Result<Vec<PactOffer>, StoreError> {
        actor.require(Permission::ViewFootprints)?;
        let rows = sqlx::query(AssertSqlSafe(offer_query("p.organisation_id = $1")))
            .bind(actor.organisation_id.to_string())
            .fetch_all(&self.pools.reader)
            .await?;
        let rows: Vec<OfferRow> = rows.iter().filter_map(offer_from_row).collect();
        let mapped = map_offers(&rows, issuer_domain);
        Ok(rows
            .iter()
            .zip(mapped)
            .map(|(row, (status, mapped))| PactOffer {
                publication_id: row.publication.id.clone(),
                label: format!("{} v{}", row.publication.record.code, row.publication.record.version),
                product_name_zh: row.footprint.product.name_zh.clone(),
                product_name_en: row.footprint.product.name_en.clone(),
                status,
                mapped: mapped.map(Box::new),
            })
            .collect())
    }

    /// Records the data owner's declaration of a publication's carbon contents (kg C per declared unit). Once made,
    /// it stands: the ProductFootprint partners received must not change.
    pub async fn declare_pact_carbon_content(
        &self,
        actor: &Actor,
        publication_id: &str,
        content: &CarbonContent,
    ) -> Result<(), StoreError> {
        actor.require(Permission::PublishLabels)?;
        if content.fossil_kg_c.is_negative() || content.biogenic_kg_c.is_some_and(Decimal::is_negative) {
            return Err(
                FieldError::new("fossil_kg_c", Problem::Malformed { expected: "a number of at least 0" }).into()
            );
        }
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let found = sqlx::query("SELECT id FROM label_publications WHERE id = $1 AND organisation_id = $2")
            .bind(publication_id)
            .bind(actor.organisation_id.to_string())
            .fetch_optional(&mut *transaction)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let inserted = sqlx::query(
            "INSERT INTO pact_carbon_contents (publication_id, organisation_id, fossil_kg_c, biogenic_kg_c, declared_at, \
             declared_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(publication_id)
        .bind(actor.organisation_id.to_string())
        .bind(content.fossil_kg_c.to_string())
        .bind(content.biogenic_kg_c.map(|value| value.to_string()))
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&mut *transaction)
        .await;
        if let Err(error) = inserted {
            let key = [("pact_carbon_contents_pkey", "pact_carbon_contents.publication_id")];
            return Err(if violated_unique_index(&error, &key).is_some() {
                StoreError::Conflict(Conflict::AlreadyDone)
            } else {
                error.into()
            });
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::PactCarbonContentDeclared,
                object_id: Some(publication_id.to_owned()),
                object_label: publication_id,
                changes: vec![FieldChange {
                    field: "fossil_kg_c".into(),
                    before: None,
                    after: Some(content.fossil_kg_c.to_string()),
                }],
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Stores an event a partner posted. A redelivery (same source and id) is stored once; returns whether it was new.
    /// A RequestCreated waits as `pending` for its answer.
    pub async fn record_pact_event(
        &self,
        caller: &PactCaller,
        event: &tanji_pact::event::Event,
        body: &str,
    ) -> Result<bool, StoreError> {
        let state = match event.kind {
            tanji_pact::event::EventKind::RequestCreated { .. } => "pending",
            _ => "received",
        };
        let result = sqlx::query(
            "INSERT INTO pact_events (id, organisation_id, pact_client_id, direction, event_type, event_id, event_source, \
             body_json, received_at, state) VALUES ($1, $2, $3, 'in', $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id().to_string())
        .bind(caller.organisation_id.to_string())
        .bind(&caller.client)
        .bind(event.kind.type_name())
        .bind(&event.id)
        .bind(&event.source)
        .bind(body)
        .bind(time_to_db(self.now()))
        .bind(state)
        .execute(&self.pools.writer)
        .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if violated_unique_index(&error, &EVENT_KEY).is_some() => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// The organisation's PACT events, newest first.
    pub async fn pact_events(&self, actor: &Actor) -> Result<Vec<PactEventRecord>, StoreError> {
        actor.require(Permission::PublishLabels)?;
        let rows = sqlx::query(
            "SELECT id, direction, event_type, event_id, event_source, state, received_at, attempts, last_error \
             FROM pact_events WHERE organisation_id = $1 ORDER BY received_at DESC, id LIMIT 200",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PactEventRecord {
                    id: row.text("id")?,
                    direction: row.text("direction")?,
                    event_type: row.text("event_type")?,
                    event_id: row.text("event_id")?,
                    event_source: row.text("event_source")?,
                    state: row.text("state")?,
                    received_at: row.time("received_at")?,
                    attempts: row.integer("attempts")?,
                    last_error: row.optional_text("last_error")?,
                })
            })
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }
}

/// An answer to a partner's RequestCreated, recorded before it is delivered.
#[derive(Clone, Debug)]
pub struct PactAnswer {
    /// The stored answer's row id.
    pub id: String,
    /// Where it goes.
    pub url: String,
    /// The CloudEvent, as posted.
    pub body: String,
}

impl Store {
    /// Records the answer to a received RequestCreated (`request_event_id` and `request_source` as received) and
    /// marks the request fulfilled or rejected, in one transaction. Returns the answer to deliver.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_pact_answer(
        &self,
        caller: &PactCaller,
        request_source: &str,
        request_event_id: &str,
        answer_event_id: &str,
        answer_type: &str,
        fulfilled: bool,
        url: &str,
        body: &str,
    ) -> Result<PactAnswer, StoreError> {
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let request = sqlx::query(
            "SELECT id FROM pact_events WHERE organisation_id = $1 AND direction = 'in' AND event_source = $2 \
             AND event_id = $3 AND state = 'pending'",
        )
        .bind(caller.organisation_id.to_string())
        .bind(request_source)
        .bind(request_event_id)
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        let request_id = request.text("id")?;
        sqlx::query("UPDATE pact_events SET state = $1 WHERE id = $2")
            .bind(if fulfilled { "fulfilled" } else { "rejected" })
            .bind(&request_id)
            .execute(&mut *transaction)
            .await?;
        let id = new_id().to_string();
        sqlx::query(
            "INSERT INTO pact_events (id, organisation_id, pact_client_id, direction, event_type, event_id, event_source, \
             body_json, received_at, state, answers_event, next_attempt_at) \
             VALUES ($1, $2, $3, 'out', $4, $5, $6, $7, $8, 'pending', $9, $8)",
        )
        .bind(&id)
        .bind(caller.organisation_id.to_string())
        .bind(&caller.client)
        .bind(answer_type)
        .bind(answer_event_id)
        .bind(url)
        .bind(body)
        .bind(time_to_db(now))
        .bind(&request_id)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(PactAnswer { id, url: url.to_owned(), body: body.to_owned() })
    }

    /// Records one delivery attempt of an answer: delivered, or failed with `error` and retried at `retry_at`
    /// (`None`: abandoned).
    pub async fn record_pact_delivery(
        &self,
        answer_id: &str,
        outcome: Result<(), String>,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let (state, error) = match &outcome {
            Ok(()) => ("delivered", None),
            Err(error) if retry_at.is_some() => ("pending", Some(error.clone())),
            Err(error) => ("abandoned", Some(error.clone())),
        };
        sqlx::query(
            "UPDATE pact_events SET state = $1, attempts = attempts + 1, last_error = $2, next_attempt_at = $3 \
             WHERE id = $4 AND direction = 'out'",
        )
        .bind(state)
        .bind(error)
        .bind(retry_at.map(time_to_db))
        .bind(answer_id)
        .execute(&self.pools.writer)
        .await?;
        Ok(())
    }

    /// The current time of the store's clock (for the adapters that schedule retries).
    pub fn pact_now(&self) -> Timestamp {
        self.now()
    }
}

impl Store {
    /// The organisation's customers through links in force (link id, customer name): whom a partner client can be for.
    pub async fn customer_links_for_pact(&self, actor: &Actor) -> Result<Vec<(String, String)>, StoreError> {
        actor.require(Permission::PublishLabels)?;
        let rows = sqlx::query(
            "SELECT l.id, o.name FROM supplier_links l JOIN organisations o ON o.id = l.customer_organisation_id \
             WHERE l.supplier_organisation_id = $1 AND l.ended_at IS NULL ORDER BY o.name",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        rows.iter()
            .map(|row| Ok((row.text("id")?, row.text("name")?)))
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }
}
