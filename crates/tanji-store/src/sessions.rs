//! Console sessions: logging in with a password, looking a session up on each request, switching organisation,
//! logging out.
//!
//! The session id in the cookie is a 256-bit random secret; the database holds only its SHA-256 digest. Each session
//! carries its own CSRF token, which every state-changing form must echo.

use jiff::{SignedDuration, Timestamp};
use tanji_tenancy::access::Credential;
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::member::{Email, Membership, Password, User};
use tanji_tenancy::{Actor, OrganisationId};

use crate::audit::{self, ChangedBy, Entry};
use crate::credentials;
use crate::database::{RowExt, time_to_db};
use crate::members::user_from_row;
use crate::{Store, StoreError};

/// How long a console session lasts after login.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);

/// A session just created: the secrets to hand to the browser.
#[derive(Clone)]
pub struct NewSession {
    /// The session id for the cookie.
    pub secret: String,
    /// When the session ends.
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("NewSession").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}

/// The result of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    /// The password matched; a session exists now.
    LoggedIn(NewSession),
    /// Unknown login, wrong password or disabled account — deliberately not told apart.
    WrongCredentials,
    /// The password matched, but the person belongs to no organisation.
    NoOrganisation,
}

/// Everything a request learns from a valid session cookie.
#[derive(Clone, Debug)]
pub struct SessionContext {
    /// The person.
    pub user: User,
    /// The person acting in their current organisation.
    pub actor: Actor,
    /// The token every state-changing form of this session must carry.
    pub csrf_token: String,
    /// All organisations the person belongs to, for the switcher.
    pub memberships: Vec<Membership>,
    /// The digest identifying the session in the database (not the secret).
    pub session_digest: String,
}

impl Store {
    /// Checks a login and, if it is right, opens a session in the person's first organisation (by name), or in
    /// `preferred` if they belong to it.
    pub async fn login(
        &self,
        email: &str,
        password: &Password,
        preferred: Option<OrganisationId>,
    ) -> Result<LoginOutcome, StoreError> {
        let user_row =
            match Email::parse(email) {
                Ok(email) => sqlx::query(
                    "SELECT u.id, u.email, u.display_name, u.language, u.created_at, u.password_hash, u.disabled_at \
                 FROM users u WHERE u.email = $1",
                )
                .bind(email.as_str())
                .fetch_optional(&self.pools.reader)
                .await?,
                Err(_) => None,
            };
        // Verify against a decoy when the user does not exist, so both cases take the same time.
        let stored_hash = match &user_row {
            Some(row) => row.text("password_hash")?,
            None => credentials::decoy_password_hash().to_owned(),
        };
        let password = password.clone();
        let matches = tokio::task::spawn_blocking(move || credentials::verify_password(&password, &stored_hash))
            .await
            .map_err(anyhow::Error::from)?;
        let Some(user_row) = user_row.filter(|_| matches) else { return Ok(LoginOutcome::WrongCredentials) };
        if user_row.optional_text("disabled_at")?.is_some() {
            return Ok(LoginOutcome::WrongCredentials);
        }
        let user = user_from_row(&user_row)?;
        let memberships = self.memberships_and_engagements(user.id).await?;
        let Some(membership) = memberships
            .iter()
            .find(|membership| Some(membership.organisation_id) == preferred)
            .or_else(|| memberships.first())
        else {
            return Ok(LoginOutcome::NoOrganisation);
        };

        let now = self.now();
        let secret = credentials::new_secret("");
        let csrf_token = credentials::new_secret("");
        let expires_at = now + SESSION_LIFETIME;
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(time_to_db(now))
            .execute(&mut *transaction)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, organisation_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(credentials::secret_digest(&secret))
        .bind(user.id.to_string())
        .bind(membership.organisation_id.to_string())
        .bind(&csrf_token)
        .bind(time_to_db(now))
        .bind(time_to_db(expires_at))
        .execute(&mut *transaction)
        .await?;
        audit::record(
            &mut transaction,
            ChangedBy::NewUser { user_id: user.id, label: user.email.as_str() },
            now,
            Entry {
                organisation_id: membership.organisation_id,
                action: AuditAction::UserLoggedIn,
                object_id: Some(user.id.to_string()),
                object_label: user.email.as_str(),
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(LoginOutcome::LoggedIn(NewSession { secret, expires_at }))
    }

    /// The session a cookie's secret stands for, if it exists, has not expired, and its person may still act in the
    /// session's organisation — as a member, or through an open engagement of their verification body (the rule
    /// is [`Store::acting_role`], which API tokens follow too).
    pub async fn session(&self, secret: &str) -> Result<Option<SessionContext>, StoreError> {
        let digest = credentials::secret_digest(secret);
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.language, u.created_at, u.disabled_at, \
             s.organisation_id, s.csrf_token, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        )
        .bind(&digest)
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.time("expires_at")? <= self.now() || row.optional_text("disabled_at")?.is_some() {
            return Ok(None);
        }
        let user = user_from_row(&row)?;
        let organisation_id: OrganisationId = row.id("organisation_id")?;
        let Some((role, organisation_kind)) = self.acting_role(user.id, organisation_id).await? else {
            return Ok(None);
        };
        let actor = Actor {
            user_id: user.id,
            label: user.email.as_str().to_owned(),
            organisation_id,
            organisation_kind,
            role,
            credential: Credential::Session,
        };
        let memberships = self.memberships_and_engagements(user.id).await?;
        Ok(Some(SessionContext {
            user,
            actor,
            csrf_token: row.text("csrf_token")?,
            memberships,
            session_digest: digest,
        }))
    }

    /// The organisations a person may act in: their memberships, then the organisations that engaged a
    /// verification body they are an auditor of.
    async fn memberships_and_engagements(
        &self,
        user_id: tanji_tenancy::UserId,
    ) -> Result<Vec<tanji_tenancy::member::Membership>, StoreError> {
        let mut memberships = self.memberships(user_id).await?;
        memberships.extend(self.engaged_organisations(user_id).await?);
        Ok(memberships)
    }

    /// Moves a session to another organisation the person belongs to, or reaches through an engagement.
    pub async fn switch_organisation(&self, secret: &str, organisation_id: OrganisationId) -> Result<(), StoreError> {
        let digest = credentials::secret_digest(secret);
        let user_id = sqlx::query("SELECT user_id FROM sessions WHERE id_hash = $1")
            .bind(&digest)
            .fetch_optional(&self.pools.reader)
            .await?
            .map(|row| row.id::<tanji_tenancy::UserId>("user_id"))
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        if self.acting_role(user_id, organisation_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query("UPDATE sessions SET organisation_id = $1 WHERE id_hash = $2")
            .bind(organisation_id.to_string())
            .bind(&digest)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Ends a session. Ending a session that does not exist is not an error.
    pub async fn logout(&self, secret: &str) -> Result<(), StoreError> {
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(credentials::secret_digest(secret))
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }
}
