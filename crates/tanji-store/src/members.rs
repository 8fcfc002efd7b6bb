//! People and memberships: who belongs to which organisation, with which role; a person's own settings.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::member::{
    DisplayName, Email, Language, Member, Membership, Password, Role, User, ensure_an_owner_remains,
};
use tanji_tenancy::organisation::{OrganisationKind, OrganisationName};
use tanji_tenancy::validation::Problem;
use tanji_tenancy::{Actor, FieldError, OrganisationId, Permission, UserId};

use crate::audit::{self, ChangedBy, Entry};
use crate::credentials;
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::verification::{LapsedAccess, revoke_lapsed_access};
use crate::{Conflict, Store, StoreError, new_id};

/// A person the operator adds to an organisation from the command line (`tanji user add --org`, the demo). If nobody
/// logs in with `email` yet, a user is created, which needs a display name and an initial password; if the person
/// exists, they simply join, and those two fields are ignored. Nothing reachable over HTTP uses this: owners invite
/// people (`Store::invite_member`), and a platform operator's owner registering a tenant invites its first owner
/// (`Store::register_organisation`).
#[derive(Clone, Debug)]
pub struct NewMember {
    /// Their login.
    pub email: Email,
    /// Their name, for a new user.
    pub display_name: Option<DisplayName>,
    /// Their role in the organisation.
    pub role: Role,
    /// Their first password, for a new user; they should change it after logging in.
    pub initial_password: Option<Password>,
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.language, u.created_at";

pub(crate) fn user_from_row(row: &AnyRow) -> anyhow::Result<User> {
    Ok(User {
        id: row.id("id")?,
        email: Email::parse(&row.text("email")?)?,
        display_name: DisplayName::parse(&row.text("display_name")?)?,
        language: row.optional_text("language")?.as_deref().and_then(Language::from_tag),
        created_at: row.time("created_at")?,
    })
}

fn member_from_row(row: &AnyRow) -> anyhow::Result<Member> {
    Ok(Member {
        user: user_from_row(row)?,
        role: Role::parse("role", &row.text("role")?)?,
        joined_at: row.time("joined_at")?,
    })
}

pub(crate) fn membership_from_row(row: &AnyRow) -> anyhow::Result<Membership> {
    Ok(Membership {
        organisation_id: row.id("organisation_id")?,
        organisation_name: OrganisationName::parse(&row.text("organisation_name")?)?,
        organisation_name_en: row
            .optional_text("organisation_name_en")?
            .as_deref()
            .map(OrganisationName::parse)
            .transpose()?,
        organisation_kind: OrganisationKind::parse("kind", &row.text("organisation_kind")?)?,
        role: Role::parse("role", &row.text("role")?)?,
    })
}

/// Serialises changes to one organisation's membership: on PostgreSQL the row lock makes two concurrent demotions
/// queue, so they cannot both pass the last-owner check; on SQLite the write lock already does.
pub(crate) async fn lock_organisation(
    transaction: &mut Transaction<'static, Any>,
    id: OrganisationId,
) -> Result<(), StoreError> {
    let updated = sqlx::query("UPDATE organisations SET updated_at = updated_at WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut **transaction)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Re-reads the actor's role inside the transaction (after [`lock_organisation`]) and checks `permission` with it, so
/// that a member demoted or removed a moment ago cannot still manage members with the role their request began with.
pub(crate) async fn require_current(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    permission: Permission,
) -> Result<(), StoreError> {
    let role: Option<(String,)> =
        sqlx::query_as("SELECT role FROM memberships WHERE organisation_id = $1 AND user_id = $2")
            .bind(actor.organisation_id.to_string())
            .bind(actor.user_id.to_string())
            .fetch_optional(&mut **transaction)
            .await?;
    let (role,) = role.ok_or(StoreError::NotFound)?;
    let current = Actor { role: Role::parse("role", &role).map_err(anyhow::Error::from)?, ..actor.clone() };
    current.require(permission)?;
    Ok(())
}

async fn n_owners(transaction: &mut Transaction<'static, Any>, id: OrganisationId) -> Result<usize, StoreError> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE organisation_id = $1 AND role = 'owner'")
            .bind(id.to_string())
            .fetch_one(&mut **transaction)
            .await?;
    Ok(usize::try_from(count).map_err(anyhow::Error::from)?)
}

/// Hashes a new member's initial password, if one was given.
pub(crate) async fn hash_initial_password(new_member: &NewMember) -> Result<Option<String>, StoreError> {
    match &new_member.initial_password {
        Some(password) => Ok(Some(hash_password(password).await?)),
        None => Ok(None),
    }
}

pub(crate) async fn hash_password(password: &Password) -> Result<String, StoreError> {
    let password = password.clone();
    let hash = tokio::task::spawn_blocking(move || credentials::hash_password(&password))
        .await
        .map_err(anyhow::Error::from)??;
    Ok(hash)
}

impl Store {
    /// The members of the actor's organisation, owners first.
    pub async fn list_members(&self, actor: &Actor) -> Result<Vec<Member>, StoreError> {
        actor.require(Permission::ViewMembers)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, m.role, m.created_at AS joined_at FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 \
             ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 WHEN 'auditor' THEN 2 ELSE 3 END, u.email"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(member_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// One member of the actor's organisation.
    pub async fn member(&self, actor: &Actor, user_id: UserId) -> Result<Member, StoreError> {
        actor.require(Permission::ViewMembers)?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, m.role, m.created_at AS joined_at FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 AND m.user_id = $2"
        )))
        .bind(actor.organisation_id.to_string())
        .bind(user_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(member_from_row(&row)?)
    }

    /// Adds a person to an organisation from the operator's command line (`tanji user add`, the demo loader), creating
    /// their user if needed.
    ///
    /// Operator only: members of an organisation cannot attach people directly — they invite them
    /// (`Store::invite_member`), and the invited person decides. An operator at the command line already holds the
    /// database, so this path neither reveals nor grants anything new.
    pub async fn operator_add_member(
        &self,
        organisation_id: OrganisationId,
        new_member: &NewMember,
    ) -> Result<Member, StoreError> {
        // Hash before taking the write lock: hashing is slow and must not hold up other writers.
        let password_hash = hash_initial_password(new_member).await?;
        let mut transaction = self.pools.begin_write().await?;
        lock_organisation(&mut transaction, organisation_id).await?;
        let member = self
            .insert_member_in(&mut transaction, ChangedBy::Operator, organisation_id, new_member, password_hash)
            .await?;
        transaction.commit().await?;
        Ok(member)
    }

    /// Adds a member within the caller's transaction, creating the user when nobody has the e-mail address yet.
    /// `password_hash` is the hash of `new_member.initial_password`, made beforehand by [`hash_initial_password`].
    pub(crate) async fn insert_member_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        by: ChangedBy<'_>,
        organisation_id: OrganisationId,
        new_member: &NewMember,
        password_hash: Option<String>,
    ) -> Result<Member, StoreError> {
        let now = self.now();
        let existing = sqlx::query(AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1")))
            .bind(new_member.email.as_str())
            .fetch_optional(&mut **transaction)
            .await?;
        let user = match existing {
            Some(row) => user_from_row(&row)?,
            None => {
                let display_name =
                    new_member.display_name.clone().ok_or(FieldError::new("display_name", Problem::Required))?;
                let password_hash = password_hash.ok_or(FieldError::new("password", Problem::Required))?;
                let user = User {
                    id: UserId::from_uuid(new_id()),
                    email: new_member.email.clone(),
                    display_name,
                    language: None,
                    created_at: now,
                };
                self.insert_user_in(transaction, &user, &password_hash).await?;
                user
            }
        };
        let inserted = sqlx::query(
            "INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (organisation_id, user_id) DO NOTHING",
        )
        .bind(organisation_id.to_string())
        .bind(user.id.to_string())
        .bind(new_member.role.as_str())
        .bind(time_to_db(now))
        .execute(&mut **transaction)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Conflict::AlreadyMember.into());
        }
        audit::record(
            transaction,
            by,
            now,
            Entry {
                organisation_id,
                action: AuditAction::MemberAdded,
                object_id: Some(user.id.to_string()),
                object_label: user.email.as_str(),
                changes: vec![FieldChange {
                    field: "role".into(),
                    before: None,
                    after: Some(new_member.role.to_string()),
                }],
            },
        )
        .await?;
        Ok(Member { user, role: new_member.role, joined_at: now })
    }

    pub(crate) async fn insert_user_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        user: &User,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, language, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user.id.to_string())
        .bind(user.email.as_str())
        .bind(user.display_name.as_str())
        .bind(password_hash)
        .bind(user.language.map(Language::tag))
        .bind(time_to_db(user.created_at))
        .execute(&mut **transaction)
        .await
        .map_err(|error| match violated_unique_index(&error, &[("users_email_key", "users.email")]) {
            Some(_) => StoreError::Conflict(Conflict::Email),
            None => error.into(),
        })?;
        Ok(())
    }

    /// Changes a member's role. Owners only; the organisation always keeps at least one owner.
    pub async fn change_member_role(&self, actor: &Actor, user_id: UserId, role: Role) -> Result<Member, StoreError> {
        actor.require(Permission::ManageMembers)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        lock_organisation(&mut transaction, actor.organisation_id).await?;
        require_current(&mut transaction, actor, Permission::ManageMembers).await?;
        let member = self.member_in(&mut transaction, actor.organisation_id, user_id).await?;
        if member.role == role {
            return Ok(member);
        }
        ensure_an_owner_remains(
            n_owners(&mut transaction, actor.organisation_id).await?,
            member.role == Role::Owner,
            role == Role::Owner,
        )?;
        sqlx::query("UPDATE memberships SET role = $1 WHERE organisation_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(actor.organisation_id.to_string())
            .bind(user_id.to_string())
            .execute(&mut *transaction)
            .await?;
        // A body's auditor given another role no longer acts where the body is engaged (`engaged_role`).
        revoke_lapsed_access(&mut transaction, now, LapsedAccess::OfPerson(user_id)).await?;
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::MemberRoleChanged,
                object_id: Some(user_id.to_string()),
                object_label: member.user.email.as_str(),
                changes: vec![FieldChange {
                    field: "role".into(),
                    before: Some(member.role.to_string()),
                    after: Some(role.to_string()),
                }],
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(Member { role, ..member })
    }

    /// Removes a member from the actor's organisation. Owners only; the last owner cannot be removed. The person's
    /// sessions in this organisation end and the API tokens they created for it are revoked.
    pub async fn remove_member(&self, actor: &Actor, user_id: UserId) -> Result<(), StoreError> {
        actor.require(Permission::ManageMembers)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        lock_organisation(&mut transaction, actor.organisation_id).await?;
        require_current(&mut transaction, actor, Permission::ManageMembers).await?;
        let member = self.member_in(&mut transaction, actor.organisation_id, user_id).await?;
        ensure_an_owner_remains(
            n_owners(&mut transaction, actor.organisation_id).await?,
            member.role == Role::Owner,
            false,
        )?;
        let organisation_id = actor.organisation_id.to_string();
        sqlx::query("DELETE FROM memberships WHERE organisation_id = $1 AND user_id = $2")
            .bind(&organisation_id)
            .bind(user_id.to_string())
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE organisation_id = $1 AND user_id = $2")
            .bind(&organisation_id)
            .bind(user_id.to_string())
            .execute(&mut *transaction)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE organisation_id = $2 AND created_by = $3 AND revoked_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(&organisation_id)
        .bind(user_id.to_string())
        .execute(&mut *transaction)
        .await?;
        // A verifier leaving their body also loses the organisations that engaged it: their tokens and sessions
        // there end now, not only at their next use.
        revoke_lapsed_access(&mut transaction, now, LapsedAccess::OfPerson(user_id)).await?;
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::MemberRemoved,
                object_id: Some(user_id.to_string()),
                object_label: member.user.email.as_str(),
                changes: vec![FieldChange { field: "role".into(), before: Some(member.role.to_string()), after: None }],
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn member_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        organisation_id: OrganisationId,
        user_id: UserId,
    ) -> Result<Member, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, m.role, m.created_at AS joined_at FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 AND m.user_id = $2"
        )))
        .bind(organisation_id.to_string())
        .bind(user_id.to_string())
        .fetch_optional(&mut **transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(member_from_row(&row)?)
    }

    /// The organisations a person belongs to, by name.
    pub async fn memberships(&self, user_id: UserId) -> Result<Vec<Membership>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.organisation_id, o.name AS organisation_name, o.name_en AS organisation_name_en, \
             o.kind AS organisation_kind, m.role \
             FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = $1 ORDER BY o.name",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(membership_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Records the language a person chose for the console.
    pub async fn set_user_language(&self, user_id: UserId, language: Language) -> Result<(), StoreError> {
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(language.tag())
            .bind(user_id.to_string())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Changes a person's own password after checking the current one. Ends their other sessions.
    pub async fn change_password(
        &self,
        user_id: UserId,
        current: &Password,
        new_password: &Password,
        keep_session_digest: Option<&str>,
    ) -> Result<(), StoreError> {
        let (stored_hash,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_optional(&self.pools.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        let current = current.clone();
        let matches = tokio::task::spawn_blocking(move || credentials::verify_password(&current, &stored_hash))
            .await
            .map_err(anyhow::Error::from)?;
        if !matches {
            return Err(FieldError::new("current_password", Problem::Incorrect).into());
        }
        let new_hash = hash_password(new_password).await?;
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(new_hash)
            .bind(user_id.to_string())
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id.to_string())
            .bind(keep_session_digest.unwrap_or(""))
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Finds a user by login; for the operator's command line.
    pub async fn operator_find_user(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1")))
            .bind(email.as_str())
            .fetch_optional(&self.pools.reader)
            .await?;
        Ok(row.as_ref().map(user_from_row).transpose()?)
    }
}
