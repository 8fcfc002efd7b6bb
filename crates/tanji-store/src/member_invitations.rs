//! Member invitations: an owner invites an e-mail address with a role; the person holding that address accepts —
//! logged in with it, or by creating their account from the invitation — and only then becomes a member.
//!
//! Creating an invitation never reads the `users` table, so the owner gets the same answer, and the audit log the same
//! entry, whether or not the address has an account. What remains (see `docs/console.md`): someone holding an
//! invitation's link can try to register with it, and registering an address that already has an account creates
//! nothing and says to log in instead. Only the link's holders — the invited person and the owners who made it — can
//! learn that, one address per audited invitation.

use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::member::{DisplayName, Email, Member, Password, Role, User};
use tanji_tenancy::member_invitation::{
    self, DEFAULT_VALIDITY, JoinRefused, MemberInvitation, MemberInvitationState, check_acceptance, check_registration,
};
use tanji_tenancy::organisation::OrganisationName;
use tanji_tenancy::{Actor, MemberInvitationId, OrganisationId, Permission, UserId};

use crate::audit::{self, ChangedBy, Entry};
use crate::credentials::{self, MEMBER_INVITATION_CODE_PREFIX};
use crate::database::{RowExt, time_to_db};
use crate::members::{hash_password, lock_organisation, require_current, user_from_row};
use crate::{Conflict, Store, StoreError, new_id};

/// What the holder of an invitation link sees: who invites, to which role, for which (masked) address, and whether it
/// can still be accepted. The invited address itself is not handed out; [`Self::is_addressed_to`] compares with it.
#[derive(Clone, Debug)]
pub struct InvitationForInvitee {
    /// The invitation's identifier.
    pub id: MemberInvitationId,
    /// The organisation to join.
    pub organisation_name: OrganisationName,
    /// The role on offer.
    pub role: Role,
    /// The invited address, masked (`z***@ruikang.example`).
    pub masked_email: String,
    /// Its state now.
    pub state: MemberInvitationState,
    /// When it stops being acceptable.
    pub expires_at: Timestamp,
    email: Email,
}

impl InvitationForInvitee {
    /// Whether `email` (a logged-in person's login) is the invited address.
    pub fn is_addressed_to(&self, email: &Email) -> bool {
        self.email.as_str().to_lowercase() == email.as_str().to_lowercase()
    }
}

/// The account a person creates from an invitation. Its e-mail address is the invited one, never chosen here.
#[derive(Clone, Debug)]
pub struct NewInvitedAccount {
    /// Their name as shown.
    pub display_name: DisplayName,
    /// Their password.
    pub password: Password,
}

const INVITATION_COLUMNS: &str = "i.id, i.organisation_id, o.name AS organisation_name, i.email, i.role, \
     i.created_by, i.created_at, i.expires_at, i.accepted_at, i.accepted_by, i.revoked_at";

const INVITATION_JOINS: &str = "FROM member_invitations i JOIN organisations o ON o.id = i.organisation_id";

fn invitation_from_row(row: &AnyRow) -> anyhow::Result<MemberInvitation> {
    Ok(MemberInvitation {
        id: row.id("id")?,
        organisation_id: row.id("organisation_id")?,
        organisation_name: OrganisationName::parse(&row.text("organisation_name")?)?,
        email: Email::parse(&row.text("email")?)?,
        role: Role::parse("role", &row.text("role")?)?,
        created_by: row.id("created_by")?,
        created_at: row.time("created_at")?,
        expires_at: row.time("expires_at")?,
        accepted_at: row.optional_time("accepted_at")?,
        accepted_by: row.optional_id("accepted_by")?,
        revoked_at: row.optional_time("revoked_at")?,
    })
}

impl Store {
    /// Invites `email` to join the actor's organisation as `role`. Returns the invitation and its code, which is shown
    /// this once (the database keeps only its digest). Owners only.
    ///
    /// Deliberately blind to accounts: whether `email` has one, is a member already, or is unknown, the answer and the
    /// audit entry are the same. Who the person is gets settled when they accept.
    pub async fn invite_member(
        &self,
        actor: &Actor,
        email: &Email,
        role: Role,
    ) -> Result<(MemberInvitation, String), StoreError> {
        actor.require(Permission::ManageMembers)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        lock_organisation(&mut transaction, actor.organisation_id).await?;
        require_current(&mut transaction, actor, Permission::ManageMembers).await?;
        let created =
            insert_member_invitation_in(&mut transaction, actor, actor.organisation_id, email, role, now).await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// The member invitations of the actor's organisation, newest first, in every state. Owners only: the list names
    /// people who are not members.
    pub async fn list_member_invitations(&self, actor: &Actor) -> Result<Vec<MemberInvitation>, StoreError> {
        actor.require(Permission::ManageMembers)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INVITATION_COLUMNS} {INVITATION_JOINS} WHERE i.organisation_id = $1 \
             ORDER BY i.created_at DESC, i.id DESC"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(invitation_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Withdraws an open invitation of the actor's organisation; its link stops working at once. Owners only.
    /// Another organisation's invitation is not found.
    pub async fn revoke_member_invitation(
        &self,
        actor: &Actor,
        id: MemberInvitationId,
    ) -> Result<MemberInvitation, StoreError> {
        actor.require(Permission::ManageMembers)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        lock_organisation(&mut transaction, actor.organisation_id).await?;
        require_current(&mut transaction, actor, Permission::ManageMembers).await?;
        let invitation = invitation_by_id_in(&mut transaction, id)
            .await?
            .filter(|invitation| invitation.organisation_id == actor.organisation_id)
            .ok_or(StoreError::NotFound)?;
        if invitation.state(now) != MemberInvitationState::Open {
            return Err(Conflict::AlreadyDone.into());
        }
        let revoked = sqlx::query(
            "UPDATE member_invitations SET revoked_at = $1 \
             WHERE id = $2 AND organisation_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .execute(&mut *transaction)
        .await?;
        if revoked.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::MemberInvitationRevoked,
                object_id: Some(id.to_string()),
                object_label: invitation.email.as_str(),
                changes: vec![FieldChange {
                    field: "role".into(),
                    before: Some(invitation.role.to_string()),
                    after: None,
                }],
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(MemberInvitation { revoked_at: Some(now), ..invitation })
    }

    /// What an invitation code stands for, as its holder may see it. Anyone holding the code may; the code is the
    /// secret. `None` for a code that does not exist.
    pub async fn member_invitation_by_code(&self, code: &str) -> Result<Option<InvitationForInvitee>, StoreError> {
        let Some(digest) = code_digest(code) else { return Ok(None) };
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INVITATION_COLUMNS} {INVITATION_JOINS} WHERE i.code_hash = $1"
        )))
        .bind(digest)
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let invitation = invitation_from_row(&row)?;
        Ok(Some(InvitationForInvitee {
            id: invitation.id,
            organisation_name: invitation.organisation_name.clone(),
            role: invitation.role,
            masked_email: invitation.masked_email(),
            state: invitation.state(self.now()),
            expires_at: invitation.expires_at,
            email: invitation.email,
        }))
    }

    /// Accepts an invitation for the logged-in person `user_id` (from their session, never from request data): they
    /// become a member with the invitation's role. Returns the invitation, now accepted. Refused — with nothing
    /// changed — when the invitation is not open, when the person's login is not the invited address, or when they
    /// are a member already.
    pub async fn accept_member_invitation(&self, user_id: UserId, code: &str) -> Result<MemberInvitation, StoreError> {
        let now = self.now();
        let digest = code_digest(code).ok_or(StoreError::NotFound)?;
        let mut transaction = self.pools.begin_write().await?;
        let invitation = self.lock_invitation_in(&mut transaction, &digest).await?;
        let user_row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.language, u.created_at FROM users u \
             WHERE u.id = $1 AND u.disabled_at IS NULL",
        )
        .bind(user_id.to_string())
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        let user = user_from_row(&user_row)?;
        let (n_memberships,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE organisation_id = $1 AND user_id = $2")
                .bind(invitation.organisation_id.to_string())
                .bind(user.id.to_string())
                .fetch_one(&mut *transaction)
                .await?;
        check_acceptance(&invitation, &user.email, n_memberships > 0, now)?;
        let accepted = join_in(&mut transaction, invitation, &user, now).await?;
        transaction.commit().await?;
        Ok(accepted)
    }

    /// Creates the invited person's account — with the invited address, `account`'s name and password — and accepts
    /// the invitation with it, all or nothing. Refused when the invitation is not open, and when the invited address
    /// already has an account (whose holder must log in to accept): then nothing is created.
    pub async fn register_from_member_invitation(
        &self,
        code: &str,
        account: &NewInvitedAccount,
    ) -> Result<Member, StoreError> {
        let digest = code_digest(code).ok_or(StoreError::NotFound)?;
        // Hash before taking the write lock: hashing is slow and must not hold up other writers. It also makes a
        // refusal for an existing account take as long as a registration.
        let password_hash = hash_password(&account.password).await?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let invitation = self.lock_invitation_in(&mut transaction, &digest).await?;
        let (n_accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = $1")
            .bind(invitation.email.as_str())
            .fetch_one(&mut *transaction)
            .await?;
        check_registration(&invitation, n_accounts > 0, now)?;
        let user = User {
            id: UserId::from_uuid(new_id()),
            email: invitation.email.clone(),
            display_name: account.display_name.clone(),
            language: None,
            created_at: now,
        };
        self.insert_user_in(&mut transaction, &user, &password_hash).await.map_err(|error| match error {
            // Someone registered the address between the check and the insert.
            StoreError::Conflict(Conflict::Email) => JoinRefused::AccountExists.into(),
            other => other,
        })?;
        let accepted = join_in(&mut transaction, invitation, &user, now).await?;
        transaction.commit().await?;
        Ok(Member { user, role: accepted.role, joined_at: now })
    }

    /// Finds the invitation with code digest `digest` and takes its organisation's membership lock, then reads it
    /// again under the lock, so a concurrent withdrawal or acceptance is seen.
    async fn lock_invitation_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        digest: &str,
    ) -> Result<MemberInvitation, StoreError> {
        let found = invitation_by_digest_in(transaction, digest).await?.ok_or(StoreError::NotFound)?;
        lock_organisation(transaction, found.organisation_id).await?;
        invitation_by_digest_in(transaction, digest).await?.ok_or(StoreError::NotFound)
    }
}

/// Writes an open invitation to join `organisation_id` for `email` as `role`, made by `actor`, with its audit entry, in
/// the caller's transaction. Returns the invitation and its code, which the caller shows once (the database keeps only
/// its digest). The caller has checked that `actor` may invite into `organisation_id`: an owner into their own
/// organisation ([`Store::invite_member`]), a platform operator's owner into the tenant they are registering
/// ([`Store::register_organisation`]).
///
/// Never reads the `users` table, so neither the answer nor the audit entry depends on whether `email` has an account.
pub(crate) async fn insert_member_invitation_in(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    organisation_id: OrganisationId,
    email: &Email,
    role: Role,
    now: Timestamp,
) -> Result<(MemberInvitation, String), StoreError> {
    let code = credentials::new_secret(MEMBER_INVITATION_CODE_PREFIX);
    let id = MemberInvitationId::from_uuid(new_id());
    sqlx::query(
        "INSERT INTO member_invitations (id, organisation_id, code_hash, email, role, created_by, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(organisation_id.to_string())
    .bind(credentials::secret_digest(&code))
    .bind(email.as_str())
    .bind(role.as_str())
    .bind(actor.user_id.to_string())
    .bind(time_to_db(now))
    .bind(time_to_db(member_invitation::expiry(now, DEFAULT_VALIDITY)))
    .execute(&mut **transaction)
    .await?;
    audit::record(
        transaction,
        ChangedBy::Actor(actor),
        now,
        Entry {
            organisation_id,
            action: AuditAction::MemberInvitationCreated,
            object_id: Some(id.to_string()),
            object_label: email.as_str(),
            changes: vec![FieldChange { field: "role".into(), before: None, after: Some(role.to_string()) }],
        },
    )
    .await?;
    let invitation = invitation_by_id_in(transaction, id).await?.ok_or(StoreError::NotFound)?;
    Ok((invitation, code))
}

/// Marks `invitation` accepted by `user` and makes them a member, with both audit entries, in the caller's
/// transaction; returns the invitation as accepted. The caller has checked the domain rules.
async fn join_in(
    transaction: &mut Transaction<'static, Any>,
    invitation: MemberInvitation,
    user: &User,
    now: Timestamp,
) -> Result<MemberInvitation, StoreError> {
    // Conditional, so that of two concurrent acceptances exactly one wins. (The callers hold the organisation's
    // membership lock, which already serialises them; this keeps the rule where the row is written.)
    let accepted = sqlx::query(
        "UPDATE member_invitations SET accepted_at = $1, accepted_by = $2 \
         WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(time_to_db(now))
    .bind(user.id.to_string())
    .bind(invitation.id.to_string())
    .execute(&mut **transaction)
    .await?;
    if accepted.rows_affected() != 1 {
        return Err(JoinRefused::NotOpen(MemberInvitationState::Accepted).into());
    }
    sqlx::query("INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(invitation.organisation_id.to_string())
        .bind(user.id.to_string())
        .bind(invitation.role.as_str())
        .bind(time_to_db(now))
        .execute(&mut **transaction)
        .await?;
    let by = ChangedBy::NewUser { user_id: user.id, label: user.email.as_str() };
    for entry in [
        Entry {
            organisation_id: invitation.organisation_id,
            action: AuditAction::MemberInvitationAccepted,
            object_id: Some(invitation.id.to_string()),
            object_label: invitation.email.as_str(),
            changes: Vec::new(),
        },
        Entry {
            organisation_id: invitation.organisation_id,
            action: AuditAction::MemberAdded,
            object_id: Some(user.id.to_string()),
            object_label: user.email.as_str(),
            changes: vec![FieldChange { field: "role".into(), before: None, after: Some(invitation.role.to_string()) }],
        },
    ] {
        audit::record(transaction, by, now, entry).await?;
    }
    Ok(MemberInvitation { accepted_at: Some(now), accepted_by: Some(user.id), ..invitation })
}

/// The digest a code is stored under, or `None` for text that cannot be a member invitation code.
fn code_digest(code: &str) -> Option<String> {
    code.starts_with(MEMBER_INVITATION_CODE_PREFIX).then(|| credentials::secret_digest(code))
}

async fn invitation_by_id_in(
    transaction: &mut Transaction<'static, Any>,
    id: MemberInvitationId,
) -> Result<Option<MemberInvitation>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {INVITATION_COLUMNS} {INVITATION_JOINS} WHERE i.id = $1")))
        .bind(id.to_string())
        .fetch_optional(&mut **transaction)
        .await?;
    Ok(row.as_ref().map(invitation_from_row).transpose()?)
}

async fn invitation_by_digest_in(
    transaction: &mut Transaction<'static, Any>,
    digest: &str,
) -> Result<Option<MemberInvitation>, StoreError> {
    let row =
        sqlx::query(AssertSqlSafe(format!("SELECT {INVITATION_COLUMNS} {INVITATION_JOINS} WHERE i.code_hash = $1")))
            .bind(digest)
            .fetch_optional(&mut **transaction)
            .await?;
    Ok(row.as_ref().map(invitation_from_row).transpose()?)
}
