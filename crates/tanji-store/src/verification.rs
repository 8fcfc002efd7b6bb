//! Engagements of independent verification bodies: an organisation's owner engages a body, the body's auditors may
//! then act in the organisation as auditors (see `tanji_tenancy::verification` for the rules), and either side can
//! see the engagement; the organisation ends it.
//!
//! Access comes from the engagement, not from a membership: the verifier is never a member of the organisation it
//! verifies. `Store::session`, `Store::login` and `Store::switch_organisation` accept an organisation reached through
//! an open engagement, and so does `Store::token_actor` for API tokens: both ask `Store::acting_role`. A verifier may
//! therefore make an API token while acting in the organisation (it acts as an auditor there, like the verifier).
//! When the engagement ends, the verifier's sessions there end and the tokens they made there are revoked, in the
//! same transaction ([`revoke_lapsed_access`]) — the rule for a removed member — so engaging the body again later
//! does not silently revive them; the same happens to a verifier removed from their body or no longer its auditor.

use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Transaction};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::member::{Membership, Role};
use tanji_tenancy::organisation::{OrganisationKind, OrganisationName};
use tanji_tenancy::verification::{check_engagement, engaged_role};
use tanji_tenancy::{Actor, OrganisationId, Permission, UserId};

use crate::audit::{self, ChangedBy};
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::{Conflict, Store, StoreError, new_id};

/// A verification body as an organisation choosing one sees it: its registered name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationBody {
    /// The body's organisation id.
    pub id: OrganisationId,
    /// Its registered name.
    pub name: String,
}

/// An organisation's engagement of a verification body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationEngagement {
    /// The engagement's id.
    pub id: String,
    /// The organisation verified.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// The verification body.
    pub verification_body_id: OrganisationId,
    /// Its name.
    pub verification_body_name: String,
    /// When it was engaged.
    pub started_at: jiff::Timestamp,
    /// When the engagement ended, if it has.
    pub ended_at: Option<jiff::Timestamp>,
}

impl VerificationEngagement {
    /// Whether the body's auditors may verify now.
    pub fn is_open(&self) -> bool {
        self.ended_at.is_none()
    }
}

const ENGAGEMENT_SELECT: &str = "SELECT e.id, e.organisation_id, o.name AS organisation_name, e.verification_body_id, \
     b.name AS verification_body_name, e.started_at, e.ended_at FROM verification_engagements e \
     JOIN organisations o ON o.id = e.organisation_id JOIN organisations b ON b.id = e.verification_body_id";

fn engagement_from_row(row: &AnyRow) -> anyhow::Result<VerificationEngagement> {
    Ok(VerificationEngagement {
        id: row.text("id")?,
        organisation_id: row.id("organisation_id")?,
        organisation_name: row.text("organisation_name")?,
        verification_body_id: row.id("verification_body_id")?,
        verification_body_name: row.text("verification_body_name")?,
        started_at: row.time("started_at")?,
        ended_at: row.optional_time("ended_at")?,
    })
}

impl Store {
    /// The registered verification bodies, for an owner choosing whom to engage.
    pub async fn verification_bodies(&self, actor: &Actor) -> Result<Vec<VerificationBody>, StoreError> {
        actor.require(Permission::ManageVerifiers)?;
        let rows = sqlx::query("SELECT id, name FROM organisations WHERE kind = $1 AND id <> $2 ORDER BY name")
            .bind(OrganisationKind::VerificationBody.as_str())
            .bind(actor.organisation_id.to_string())
            .fetch_all(&self.pools.reader)
            .await?;
        rows.iter()
            .map(|row| Ok(VerificationBody { id: row.id("id")?, name: row.text("name")? }))
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::from)
    }

    /// The engagements the actor's organisation is part of, as the verified organisation or as the body, newest
    /// first.
    pub async fn verification_engagements(&self, actor: &Actor) -> Result<Vec<VerificationEngagement>, StoreError> {
        actor.require(Permission::ViewOrganisation)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{ENGAGEMENT_SELECT} WHERE e.organisation_id = $1 OR e.verification_body_id = $1 \
             ORDER BY e.started_at DESC, e.id"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(engagement_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// The organisations that engaged the actor's verification body and have not ended the engagement, by name:
    /// whom its auditors may verify now. Verification bodies only.
    pub async fn verification_clients(&self, actor: &Actor) -> Result<Vec<VerificationEngagement>, StoreError> {
        actor.require(Permission::ViewVerificationClients)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{ENGAGEMENT_SELECT} WHERE e.verification_body_id = $1 AND e.ended_at IS NULL ORDER BY o.name, e.id"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(engagement_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Engages the verification body `body_id`: from now on its auditors may act in the actor's organisation as
    /// auditors. Owners only. A body id that is not a verification body (or is the organisation itself) is not
    /// found, like any id the actor cannot use.
    pub async fn engage_verification_body(
        &self,
        actor: &Actor,
        body_id: OrganisationId,
    ) -> Result<VerificationEngagement, StoreError> {
        actor.require(Permission::ManageVerifiers)?;
        let body = self.organisation_by_id(body_id).await?.ok_or(StoreError::NotFound)?;
        check_engagement(actor.organisation_kind, body.kind, body.id == actor.organisation_id)
            .map_err(|_| StoreError::NotFound)?;
        let now = self.now();
        let id = new_id().to_string();
        let mut transaction = self.pools.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO verification_engagements (id, organisation_id, verification_body_id, started_by, started_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(actor.organisation_id.to_string())
        .bind(body.id.to_string())
        .bind(actor.user_id.to_string())
        .bind(time_to_db(now))
        .execute(&mut *transaction)
        .await;
        if let Err(error) = inserted {
            if violated_unique_index(&error, &[("verification_engagements_open_key", "verification_body_id")]).is_some()
            {
                return Err(Conflict::AlreadyDone.into());
            }
            return Err(error.into());
        }
        let organisation_name = organisation_name(&mut transaction, actor.organisation_id).await?;
        audit::record_on_both_sides(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            [(actor.organisation_id, body.name.as_str()), (body.id, organisation_name.as_str())],
            AuditAction::VerificationEngagementStarted,
            &id,
            &[],
        )
        .await?;
        transaction.commit().await?;
        Ok(VerificationEngagement {
            id,
            organisation_id: actor.organisation_id,
            organisation_name,
            verification_body_id: body.id,
            verification_body_name: body.name.as_str().to_owned(),
            started_at: now,
            ended_at: None,
        })
    }

    /// Ends an engagement of the actor's organisation: the body's auditors lose access at once. Owners only.
    pub async fn end_verification_engagement(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<VerificationEngagement, StoreError> {
        actor.require(Permission::ManageVerifiers)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let engagement =
            sqlx::query(AssertSqlSafe(format!("{ENGAGEMENT_SELECT} WHERE e.id = $1 AND e.organisation_id = $2")))
                .bind(id)
                .bind(actor.organisation_id.to_string())
                .fetch_optional(&mut *transaction)
                .await?
                .as_ref()
                .map(engagement_from_row)
                .transpose()?
                .ok_or(StoreError::NotFound)?;
        let ended = sqlx::query(
            "UPDATE verification_engagements SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .bind(id)
        .execute(&mut *transaction)
        .await?;
        if ended.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        revoke_lapsed_access(&mut transaction, now, LapsedAccess::InOrganisation(engagement.organisation_id)).await?;
        audit::record_on_both_sides(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            [
                (engagement.organisation_id, engagement.verification_body_name.as_str()),
                (engagement.verification_body_id, engagement.organisation_name.as_str()),
            ],
            AuditAction::VerificationEngagementEnded,
            &engagement.id,
            &[],
        )
        .await?;
        transaction.commit().await?;
        Ok(VerificationEngagement { ended_at: Some(now), ..engagement })
    }

    /// The organisations a person may act in through open engagements of a verification body they belong to, with
    /// the role the engagement gives (see `tanji_tenancy::verification::engaged_role`), by name. Organisations the
    /// person is a member of are left out: a membership decides there.
    pub(crate) async fn engaged_organisations(&self, user_id: UserId) -> Result<Vec<Membership>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT o.id AS organisation_id, o.name AS organisation_name, o.name_en AS organisation_name_en, \
             o.kind AS organisation_kind, \
             bm.role AS body_role \
             FROM memberships bm \
             JOIN verification_engagements e ON e.verification_body_id = bm.organisation_id AND e.ended_at IS NULL \
             JOIN organisations o ON o.id = e.organisation_id \
             WHERE bm.user_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM memberships m WHERE m.user_id = bm.user_id AND m.organisation_id = e.organisation_id) \
             ORDER BY o.name",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut engaged: Vec<Membership> = Vec::new();
        for row in &rows {
            let Some(role) = engaged_role(Role::parse("role", &row.text("body_role")?).map_err(anyhow::Error::from)?)
            else {
                continue;
            };
            let organisation_id = row.id("organisation_id")?;
            if engaged.iter().any(|membership| membership.organisation_id == organisation_id) {
                continue;
            }
            engaged.push(Membership {
                organisation_id,
                organisation_name: OrganisationName::parse(&row.text("organisation_name")?)
                    .map_err(anyhow::Error::from)?,
                organisation_name_en: row
                    .optional_text("organisation_name_en")?
                    .as_deref()
                    .map(OrganisationName::parse)
                    .transpose()
                    .map_err(anyhow::Error::from)?,
                organisation_kind: OrganisationKind::parse("kind", &row.text("organisation_kind")?)
                    .map_err(anyhow::Error::from)?,
                role,
            });
        }
        Ok(engaged)
    }

    /// How a person may act in an organisation, and that organisation's kind: with the role of their membership
    /// there or, failing one, with the role an open engagement of a verification body they belong to gives them
    /// ([`engaged_role`]); `None` when neither. The one rule for every credential: console sessions
    /// ([`Store::session`], [`Store::switch_organisation`]) and API tokens ([`Store::token_actor`]) ask it at
    /// every request, so ending an engagement ends the verifier's sessions and tokens there at once.
    pub(crate) async fn acting_role(
        &self,
        user_id: UserId,
        organisation_id: OrganisationId,
    ) -> Result<Option<(Role, OrganisationKind)>, StoreError> {
        let membership = sqlx::query(
            "SELECT m.role, o.kind FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
             WHERE m.user_id = $1 AND m.organisation_id = $2",
        )
        .bind(user_id.to_string())
        .bind(organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?;
        if let Some(row) = membership {
            let role = Role::parse("role", &row.text("role")?).map_err(anyhow::Error::from)?;
            let kind = OrganisationKind::parse("kind", &row.text("kind")?).map_err(anyhow::Error::from)?;
            return Ok(Some((role, kind)));
        }
        Ok(self
            .engaged_organisations(user_id)
            .await?
            .into_iter()
            .find(|engaged| engaged.organisation_id == organisation_id)
            .map(|engaged| (engaged.role, engaged.organisation_kind)))
    }

    /// The verification body through which `actor` acts in their organisation, if they act through an engagement
    /// rather than a membership. A sign-off records it: the label names the body as registered, not as typed, and
    /// only a sign-off for a body is independent verification.
    pub(crate) async fn engaged_body(&self, actor: &Actor) -> Result<Option<VerificationBody>, StoreError> {
        let row = sqlx::query(
            "SELECT b.id, b.name FROM memberships bm \
             JOIN verification_engagements e ON e.verification_body_id = bm.organisation_id AND e.ended_at IS NULL \
             JOIN organisations b ON b.id = e.verification_body_id \
             WHERE bm.user_id = $1 AND bm.role = 'auditor' AND e.organisation_id = $2 AND NOT EXISTS \
             (SELECT 1 FROM memberships m WHERE m.user_id = bm.user_id AND m.organisation_id = e.organisation_id) \
             ORDER BY b.name LIMIT 1",
        )
        .bind(actor.user_id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?;
        Ok(row.map(|row| anyhow::Ok(VerificationBody { id: row.id("id")?, name: row.text("name")? })).transpose()?)
    }
}

/// Whose access to re-examine after a change that may have taken some away.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LapsedAccess {
    /// Everybody's in one organisation (an engagement of it ended).
    InOrganisation(OrganisationId),
    /// One person's everywhere (they left a verification body, or are no longer its auditor).
    OfPerson(UserId),
}

/// Revokes the API tokens, and ends the console sessions, of people who may no longer act in the organisation they
/// were made for — neither a membership there nor an open engagement of a body they are an auditor of
/// ([`Store::acting_role`]'s rule, in SQL). Tokens and sessions of people who may still act there are untouched.
///
/// `Store::acting_role` already refuses such a credential at its next use; this makes the refusal final, as
/// `Store::remove_member` does for a removed member: the token is listed as revoked, and engaging the body again (or
/// making the person its auditor again) does not bring a forgotten token or session back to life. Returns how many
/// tokens were revoked.
pub(crate) async fn revoke_lapsed_access(
    transaction: &mut Transaction<'static, Any>,
    now: jiff::Timestamp,
    lapsed: LapsedAccess,
) -> Result<u64, StoreError> {
    // `engaged_role` lets a body's auditors, and only them, act where the body is engaged.
    debug_assert!(engaged_role(Role::Auditor).is_some());
    // `role` is the placeholder of the auditor role's parameter in the query that uses the condition.
    let may_still_act = |table: &str, person: &str, role: &str| {
        format!(
            "NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = {table}.{person} \
               AND m.organisation_id = {table}.organisation_id) \
             AND NOT EXISTS (SELECT 1 FROM memberships bm JOIN verification_engagements e \
               ON e.verification_body_id = bm.organisation_id AND e.ended_at IS NULL \
               WHERE bm.user_id = {table}.{person} AND bm.role = {role} AND e.organisation_id = {table}.organisation_id)"
        )
    };
    let (token_filter, session_filter, id) = match lapsed {
        LapsedAccess::InOrganisation(organisation_id) => {
            ("api_tokens.organisation_id = $3", "sessions.organisation_id = $2", organisation_id.to_string())
        }
        LapsedAccess::OfPerson(user_id) => ("api_tokens.created_by = $3", "sessions.user_id = $2", user_id.to_string()),
    };
    let revoked = sqlx::query(AssertSqlSafe(format!(
        "UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND {token_filter} AND {}",
        may_still_act("api_tokens", "created_by", "$2")
    )))
    .bind(time_to_db(now))
    .bind(Role::Auditor.as_str())
    .bind(&id)
    .execute(&mut **transaction)
    .await?;
    sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM sessions WHERE {session_filter} AND {}",
        may_still_act("sessions", "user_id", "$1")
    )))
    .bind(Role::Auditor.as_str())
    .bind(&id)
    .execute(&mut **transaction)
    .await?;
    Ok(revoked.rows_affected())
}

async fn organisation_name(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: OrganisationId,
) -> Result<String, StoreError> {
    Ok(sqlx::query("SELECT name FROM organisations WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(&mut **transaction)
        .await?
        .text("name")?)
}
