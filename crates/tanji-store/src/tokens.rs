//! API tokens: creating, listing and revoking them, and turning a presented secret into an actor.

use jiff::{SignedDuration, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use tanji_tenancy::access::Credential;
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::member::Role;
use tanji_tenancy::token::{ApiToken, TokenName, TokenScope, TokenScopes};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{Actor, ApiTokenId, FieldError, OrganisationId, Permission, UserId};

use crate::audit::{self, ChangedBy, Entry};
use crate::credentials::{self, API_TOKEN_PREFIX};
use crate::database::{RowExt, time_to_db};
use crate::{Store, StoreError, new_id};

/// A token to create.
#[derive(Clone, Debug)]
pub struct NewToken {
    /// What it is for.
    pub name: TokenName,
    /// What it may do; at most what the creator's role allows.
    pub scopes: TokenScopes,
    /// When it stops working; `None` for never (until revoked).
    pub expires_at: Option<Timestamp>,
}

/// How many characters of a secret are kept in clear, to tell tokens apart in lists.
const SHOWN_PREFIX_CHARS: usize = API_TOKEN_PREFIX.len() + 6;

/// `last_used_at` is refreshed at most this often, so that a busy client does not turn every read into a write.
const LAST_USED_GRANULARITY: SignedDuration = SignedDuration::from_secs(60);

const TOKEN_COLUMNS: &str = "t.id, t.organisation_id, t.name, t.secret_prefix, t.scopes, t.created_by, \
                             u.display_name AS created_by_name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at";

fn token_from_row(row: &AnyRow) -> anyhow::Result<ApiToken> {
    Ok(ApiToken {
        id: row.id("id")?,
        organisation_id: row.id("organisation_id")?,
        name: TokenName::parse(&row.text("name")?)?,
        secret_prefix: row.text("secret_prefix")?,
        scopes: TokenScopes::parse(&row.text("scopes")?)?,
        created_by: row.id("created_by")?,
        created_by_name: row.text("created_by_name")?,
        created_at: row.time("created_at")?,
        expires_at: row.optional_time("expires_at")?,
        last_used_at: row.optional_time("last_used_at")?,
        revoked_at: row.optional_time("revoked_at")?,
    })
}

impl Store {
    /// Creates a token acting for the actor, with at most the actor's role's power. Returns the token and its
    /// secret, which is shown this once and never stored in clear.
    pub async fn create_token(&self, actor: &Actor, new_token: &NewToken) -> Result<(ApiToken, String), StoreError> {
        actor.require(Permission::ManageOwnTokens)?;
        self.insert_token(ChangedBy::Actor(actor), actor.organisation_id, actor.user_id, actor.role, new_token).await
    }

    /// Creates a token from the operator's command line, acting for `user_id` in `organisation_id`, where they
    /// may act as a member or as an engaged verifier ([`Store::acting_role`]).
    pub async fn operator_create_token(
        &self,
        organisation_id: OrganisationId,
        user_id: UserId,
        new_token: &NewToken,
    ) -> Result<(ApiToken, String), StoreError> {
        let (role, _) = self.acting_role(user_id, organisation_id).await?.ok_or(StoreError::NotFound)?;
        self.insert_token(ChangedBy::Operator, organisation_id, user_id, role, new_token).await
    }

    async fn insert_token(
        &self,
        by: ChangedBy<'_>,
        organisation_id: OrganisationId,
        user_id: UserId,
        role: Role,
        new_token: &NewToken,
    ) -> Result<(ApiToken, String), StoreError> {
        if new_token.scopes.first_not_grantable_by(role).is_some() {
            let grantable = TokenScope::ALL.into_iter().filter(|scope| scope.grantable_by(role));
            return Err(FieldError::new(
                "scopes",
                Problem::NotOneOf { choices: grantable.map(TokenScope::as_str).collect() },
            )
            .into());
        }
        let now = self.now();
        if new_token.expires_at.is_some_and(|expires_at| expires_at <= now) {
            return Err(FieldError::new("expires_at", Problem::Malformed { expected: "a time in the future" }).into());
        }
        let secret = credentials::new_secret(API_TOKEN_PREFIX);
        let secret_prefix: String = secret.chars().take(SHOWN_PREFIX_CHARS).collect();
        let id = ApiTokenId::from_uuid(new_id());
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, organisation_id, created_by, name, secret_hash, secret_prefix, scopes, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.to_string())
        .bind(organisation_id.to_string())
        .bind(user_id.to_string())
        .bind(new_token.name.as_str())
        .bind(credentials::secret_digest(&secret))
        .bind(&secret_prefix)
        .bind(new_token.scopes.to_string())
        .bind(time_to_db(now))
        .bind(new_token.expires_at.map(time_to_db))
        .execute(&mut *transaction)
        .await?;
        audit::record(
            &mut transaction,
            by,
            now,
            Entry {
                organisation_id,
                action: AuditAction::TokenCreated,
                object_id: Some(id.to_string()),
                object_label: new_token.name.as_str(),
                changes: vec![FieldChange {
                    field: "scopes".into(),
                    before: None,
                    after: Some(new_token.scopes.to_string()),
                }],
            },
        )
        .await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.created_by WHERE t.id = $1"
        )))
        .bind(id.to_string())
        .fetch_one(&mut *transaction)
        .await?;
        let token = token_from_row(&row)?;
        transaction.commit().await?;
        Ok((token, secret))
    }

    /// The organisation's tokens: all of them for owners, one's own for everybody else. Newest first.
    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, StoreError> {
        actor.require(Permission::ManageOwnTokens)?;
        let all = actor.may(Permission::ManageAllTokens);
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.created_by \
             WHERE t.organisation_id = $1 AND ($2 = 'all' OR t.created_by = $3) ORDER BY t.created_at DESC"
        )))
        .bind(actor.organisation_id.to_string())
        .bind(if all { "all" } else { "own" })
        .bind(actor.user_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(token_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Revokes a token: one's own, or any of the organisation's for owners.
    pub async fn revoke_token(&self, actor: &Actor, id: ApiTokenId) -> Result<ApiToken, StoreError> {
        actor.require(Permission::ManageOwnTokens)?;
        let all = actor.may(Permission::ManageAllTokens);
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.created_by \
             WHERE t.id = $1 AND t.organisation_id = $2 AND ($3 = 'all' OR t.created_by = $4)"
        )))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(if all { "all" } else { "own" })
        .bind(actor.user_id.to_string())
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        let token = token_from_row(&row)?;
        if token.revoked_at.is_some() {
            return Err(crate::Conflict::AlreadyDone.into());
        }
        let revoked = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(time_to_db(now))
            .bind(id.to_string())
            .execute(&mut *transaction)
            .await?;
        if revoked.rows_affected() != 1 {
            return Err(crate::Conflict::AlreadyDone.into());
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::TokenRevoked,
                object_id: Some(id.to_string()),
                object_label: token.name.as_str(),
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(ApiToken { revoked_at: Some(now), ..token })
    }

    /// The actor a presented token secret stands for, or `None` if the secret is unknown, revoked, expired, or its
    /// creator has been disabled or may no longer act in the organisation (left it, or — for a verifier — the
    /// engagement ended). The creator's *current* role applies ([`Store::acting_role`]).
    pub async fn token_actor(&self, secret: &str) -> Result<Option<Actor>, StoreError> {
        if !secret.starts_with(API_TOKEN_PREFIX) {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT t.id, t.organisation_id, t.created_by, t.name, t.scopes, t.expires_at, t.revoked_at, \
             t.last_used_at, u.email, u.disabled_at \
             FROM api_tokens t JOIN users u ON u.id = t.created_by \
             WHERE t.secret_hash = $1",
        )
        .bind(credentials::secret_digest(secret))
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let now = self.now();
        let expired = row.optional_time("expires_at")?.is_some_and(|expires_at| expires_at <= now);
        if row.optional_text("revoked_at")?.is_some() || expired || row.optional_text("disabled_at")?.is_some() {
            return Ok(None);
        }
        // The creator's current role there, by the same rule as a console session: a membership, or an open
        // engagement of their verification body. A token of someone who left, or of a verifier whose engagement
        // ended, is no credential any more.
        let user_id: UserId = row.id("created_by")?;
        let organisation_id: OrganisationId = row.id("organisation_id")?;
        let Some((role, kind)) = self.acting_role(user_id, organisation_id).await? else { return Ok(None) };
        let token_id: ApiTokenId = row.id("id")?;
        let last_used_at = row.optional_time("last_used_at")?;
        if last_used_at.is_none_or(|last_used_at| last_used_at + LAST_USED_GRANULARITY <= now) {
            let mut transaction = self.pools.begin_write().await?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(time_to_db(now))
                .bind(token_id.to_string())
                .execute(&mut *transaction)
                .await?;
            transaction.commit().await?;
        }
        Ok(Some(Actor {
            user_id,
            label: format!("token \"{}\" of {}", row.text("name")?, row.text("email")?),
            organisation_id,
            organisation_kind: kind,
            role,
            credential: Credential::ApiToken {
                token_id,
                scopes: TokenScopes::parse(&row.text("scopes")?).map_err(anyhow::Error::from)?,
            },
        }))
    }
}
