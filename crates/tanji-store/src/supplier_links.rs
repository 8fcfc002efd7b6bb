//! Customer–supplier links and the invitations that create them.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::member::{DisplayName, Email, Password, Role, User};
use tanji_tenancy::organisation::{Organisation, OrganisationKind, OrganisationName, OrganisationProfile};
use tanji_tenancy::supplier_link::{
    AcceptanceRefused, INVITATION_VALIDITY, Invitation, InvitationDetails, InvitationState, LinkedOrganisation,
    SupplierLink, check_acceptance,
};
use tanji_tenancy::{Actor, InvitationId, OrganisationId, Permission, SupplierLinkId, UserId};

use crate::audit::{self, ChangedBy, Entry};
use crate::credentials::{self, INVITATION_CODE_PREFIX};
use crate::database::{RowExt, time_to_db};
use crate::members::hash_password;
use crate::{Conflict, Store, StoreError, new_id};

/// What someone holding an invitation code may see before accepting: who invites, and whether it is still open.
#[derive(Clone, Debug)]
pub struct InvitationPreview {
    /// The invitation.
    pub invitation: Invitation,
    /// Its state now.
    pub state: InvitationState,
}

const INVITATION_COLUMNS: &str = "i.id, i.customer_organisation_id, o.name AS customer_name, \
     o.name_en AS customer_name_en, o.kind AS customer_kind, \
     i.supplier_name, i.message, i.created_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at";

fn invitation_from_row(row: &AnyRow) -> anyhow::Result<Invitation> {
    Ok(Invitation {
        id: row.id("id")?,
        customer: LinkedOrganisation {
            id: row.id("customer_organisation_id")?,
            name: OrganisationName::parse(&row.text("customer_name")?)?,
            name_en: optional_name(row, "customer_name_en")?,
            kind: OrganisationKind::parse("kind", &row.text("customer_kind")?)?,
        },
        supplier_name: row.text("supplier_name")?,
        message: row.optional_text("message")?,
        created_by: row.id("created_by")?,
        created_at: row.time("created_at")?,
        expires_at: row.time("expires_at")?,
        accepted_at: row.optional_time("accepted_at")?,
        revoked_at: row.optional_time("revoked_at")?,
    })
}

pub(crate) const LINK_COLUMNS: &str = "l.id, l.customer_organisation_id, c.name AS customer_name, \
     c.name_en AS customer_name_en, c.kind AS customer_kind, l.supplier_organisation_id, s.name AS supplier_name, \
     s.name_en AS supplier_name_en, s.kind AS supplier_kind, l.linked_at, l.ended_at";

fn optional_name(row: &AnyRow, column: &str) -> anyhow::Result<Option<OrganisationName>> {
    Ok(row.optional_text(column)?.as_deref().map(OrganisationName::parse).transpose()?)
}

pub(crate) const LINK_JOINS: &str = "FROM supplier_links l JOIN organisations c ON c.id = l.customer_organisation_id \
     JOIN organisations s ON s.id = l.supplier_organisation_id";

pub(crate) fn link_from_row(row: &AnyRow) -> anyhow::Result<SupplierLink> {
    Ok(SupplierLink {
        id: row.id("id")?,
        customer: LinkedOrganisation {
            id: row.id("customer_organisation_id")?,
            name: OrganisationName::parse(&row.text("customer_name")?)?,
            name_en: optional_name(row, "customer_name_en")?,
            kind: OrganisationKind::parse("kind", &row.text("customer_kind")?)?,
        },
        supplier: LinkedOrganisation {
            id: row.id("supplier_organisation_id")?,
            name: OrganisationName::parse(&row.text("supplier_name")?)?,
            name_en: optional_name(row, "supplier_name_en")?,
            kind: OrganisationKind::parse("kind", &row.text("supplier_kind")?)?,
        },
        linked_at: row.time("linked_at")?,
        ended_at: row.optional_time("ended_at")?,
    })
}

/// The owner of a supplier organisation registering itself from an invitation.
#[derive(Clone, Debug)]
pub struct NewSupplierOwner {
    /// Their login.
    pub email: Email,
    /// Their name.
    pub display_name: DisplayName,
    /// Their password.
    pub password: Password,
}

impl Store {
    /// Invites a supplier. Returns the invitation and its code, which is shown this once. Owners and editors of
    /// brands and suppliers.
    pub async fn create_invitation(
        &self,
        actor: &Actor,
        details: &InvitationDetails,
    ) -> Result<(Invitation, String), StoreError> {
        actor.require(Permission::ManageSuppliers)?;
        let mut transaction = self.pools.begin_write().await?;
        let (invitation, code) = self.insert_invitation_in(&mut transaction, actor, details).await?;
        transaction.commit().await?;
        Ok((invitation, code))
    }

    /// Writes an invitation and its audit entry within the caller's transaction (creating it alone, or with the
    /// assessment campaign that asks the invited supplier). The caller has checked `ManageSuppliers`.
    pub(crate) async fn insert_invitation_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        actor: &Actor,
        details: &InvitationDetails,
    ) -> Result<(Invitation, String), StoreError> {
        let now = self.now();
        let code = credentials::new_secret(INVITATION_CODE_PREFIX);
        let id = InvitationId::from_uuid(new_id());
        sqlx::query(
            "INSERT INTO supplier_invitations (id, customer_organisation_id, code_hash, supplier_name, message, \
             created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(credentials::secret_digest(&code))
        .bind(&details.supplier_name)
        .bind(details.message.clone())
        .bind(actor.user_id.to_string())
        .bind(time_to_db(now))
        .bind(time_to_db(now + INVITATION_VALIDITY))
        .execute(&mut **transaction)
        .await?;
        audit::record(
            transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::SupplierInvitationCreated,
                object_id: Some(id.to_string()),
                object_label: &details.supplier_name,
                changes: Vec::new(),
            },
        )
        .await?;
        let invitation = invitation_by_id_in(transaction, id).await?.ok_or(StoreError::NotFound)?;
        Ok((invitation, code))
    }

    /// The invitations the actor's organisation has sent, newest first.
    pub async fn list_invitations(&self, actor: &Actor) -> Result<Vec<Invitation>, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INVITATION_COLUMNS} FROM supplier_invitations i \
             JOIN organisations o ON o.id = i.customer_organisation_id \
             WHERE i.customer_organisation_id = $1 ORDER BY i.created_at DESC"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(invitation_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Withdraws an open invitation of the actor's organisation.
    pub async fn revoke_invitation(&self, actor: &Actor, id: InvitationId) -> Result<Invitation, StoreError> {
        actor.require(Permission::ManageSuppliers)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let invitation = invitation_by_id_in(&mut transaction, id)
            .await?
            .filter(|invitation| invitation.customer.id == actor.organisation_id)
            .ok_or(StoreError::NotFound)?;
        if invitation.state(now) != InvitationState::Open {
            return Err(Conflict::AlreadyDone.into());
        }
        let withdrawn =
            sqlx::query("UPDATE supplier_invitations SET revoked_at = $1 WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL")
                .bind(time_to_db(now))
                .bind(id.to_string())
                .execute(&mut *transaction)
                .await?;
        if withdrawn.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::SupplierInvitationRevoked,
                object_id: Some(id.to_string()),
                object_label: &invitation.supplier_name,
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(Invitation { revoked_at: Some(now), ..invitation })
    }

    /// What an invitation code stands for. Anyone holding the code may see this; the code is the secret.
    pub async fn preview_invitation(&self, code: &str) -> Result<Option<InvitationPreview>, StoreError> {
        if !code.starts_with(INVITATION_CODE_PREFIX) {
            return Ok(None);
        }
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INVITATION_COLUMNS} FROM supplier_invitations i \
             JOIN organisations o ON o.id = i.customer_organisation_id WHERE i.code_hash = $1"
        )))
        .bind(credentials::secret_digest(code))
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let invitation = invitation_from_row(&row)?;
        let state = invitation.state(self.now());
        Ok(Some(InvitationPreview { invitation, state }))
    }

    /// Accepts an invitation on behalf of the actor's (supplier) organisation, linking it to the customer. Owners only.
    pub async fn accept_invitation(&self, actor: &Actor, code: &str) -> Result<SupplierLink, StoreError> {
        actor.require(Permission::ManageCustomers)?;
        let mut transaction = self.pools.begin_write().await?;
        let link = self
            .accept_in(&mut transaction, ChangedBy::Actor(actor), code, actor.organisation_id, actor.organisation_kind)
            .await?;
        transaction.commit().await?;
        Ok(link)
    }

    /// Registers a new supplier organisation and its first owner from an invitation, and accepts the invitation —
    /// all or nothing. This is how a supplier that is not yet on the platform answers a customer.
    pub async fn register_supplier_from_invitation(
        &self,
        code: &str,
        profile: &OrganisationProfile,
        owner: &NewSupplierOwner,
    ) -> Result<(Organisation, User, SupplierLink), StoreError> {
        let password_hash = hash_password(&owner.password).await?;
        let now = self.now();
        let user = User {
            id: UserId::from_uuid(new_id()),
            email: owner.email.clone(),
            display_name: owner.display_name.clone(),
            language: None,
            created_at: now,
        };
        let by = ChangedBy::NewUser { user_id: user.id, label: user.email.as_str() };
        let mut transaction = self.pools.begin_write().await?;
        // Check the code first, so that an invalid one does not reveal whether the names are taken.
        let invitation = self.invitation_by_code_in(&mut transaction, code).await?.ok_or(StoreError::NotFound)?;
        if invitation.state(now) != InvitationState::Open {
            return Err(Conflict::InvitationRefused(AcceptanceRefused::NotOpen(invitation.state(now))).into());
        }
        let organisation =
            self.insert_organisation_in(&mut transaction, by, profile, OrganisationKind::Supplier).await?;
        self.insert_user_in(&mut transaction, &user, &password_hash).await?;
        sqlx::query("INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(organisation.id.to_string())
            .bind(user.id.to_string())
            .bind(Role::Owner.as_str())
            .bind(time_to_db(now))
            .execute(&mut *transaction)
            .await?;
        audit::record(
            &mut transaction,
            by,
            now,
            Entry {
                organisation_id: organisation.id,
                action: AuditAction::MemberAdded,
                object_id: Some(user.id.to_string()),
                object_label: user.email.as_str(),
                changes: vec![tanji_tenancy::audit::FieldChange {
                    field: "role".into(),
                    before: None,
                    after: Some(Role::Owner.to_string()),
                }],
            },
        )
        .await?;
        let link = self.accept_in(&mut transaction, by, code, organisation.id, OrganisationKind::Supplier).await?;
        transaction.commit().await?;
        Ok((organisation, user, link))
    }

    async fn invitation_by_code_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        code: &str,
    ) -> Result<Option<Invitation>, StoreError> {
        if !code.starts_with(INVITATION_CODE_PREFIX) {
            return Ok(None);
        }
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {INVITATION_COLUMNS} FROM supplier_invitations i \
             JOIN organisations o ON o.id = i.customer_organisation_id WHERE i.code_hash = $1"
        )))
        .bind(credentials::secret_digest(code))
        .fetch_optional(&mut **transaction)
        .await?;
        Ok(row.as_ref().map(invitation_from_row).transpose()?)
    }

    async fn accept_in(
        &self,
        transaction: &mut Transaction<'static, Any>,
        by: ChangedBy<'_>,
        code: &str,
        supplier_id: OrganisationId,
        supplier_kind: OrganisationKind,
    ) -> Result<SupplierLink, StoreError> {
        let now = self.now();
        let invitation = self.invitation_by_code_in(transaction, code).await?.ok_or(StoreError::NotFound)?;
        let (n_active,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM supplier_links WHERE customer_organisation_id = $1 \
             AND supplier_organisation_id = $2 AND ended_at IS NULL",
        )
        .bind(invitation.customer.id.to_string())
        .bind(supplier_id.to_string())
        .fetch_one(&mut **transaction)
        .await?;
        check_acceptance(&invitation, supplier_id, supplier_kind, n_active > 0, now)?;
        let link_id = SupplierLinkId::from_uuid(new_id());
        // Conditional, so that of two concurrent acceptances (possible on PostgreSQL) exactly one wins.
        let accepted = sqlx::query(
            "UPDATE supplier_invitations SET accepted_at = $1, accepted_by_organisation_id = $2 \
             WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(supplier_id.to_string())
        .bind(invitation.id.to_string())
        .execute(&mut **transaction)
        .await?;
        if accepted.rows_affected() != 1 {
            return Err(AcceptanceRefused::NotOpen(InvitationState::Accepted).into());
        }
        sqlx::query(
            "INSERT INTO supplier_links (id, customer_organisation_id, supplier_organisation_id, invitation_id, \
             linked_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(link_id.to_string())
        .bind(invitation.customer.id.to_string())
        .bind(supplier_id.to_string())
        .bind(invitation.id.to_string())
        .bind(time_to_db(now))
        .execute(&mut **transaction)
        .await?;
        let link = link_by_id_in(transaction, link_id).await?.ok_or(StoreError::NotFound)?;
        // Both sides' logs record the link.
        audit::record_on_both_sides(
            transaction,
            by,
            now,
            [(link.customer.id, link.supplier.name.as_str()), (link.supplier.id, link.customer.name.as_str())],
            AuditAction::SupplierLinkCreated,
            &link_id.to_string(),
            &[],
        )
        .await?;
        Ok(link)
    }

    /// The actor's organisation's links, both as customer and as supplier; ended ones only when asked for.
    pub async fn list_supplier_links(
        &self,
        actor: &Actor,
        include_ended: bool,
    ) -> Result<Vec<SupplierLink>, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let ended_filter = if include_ended { "" } else { " AND l.ended_at IS NULL" };
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {LINK_COLUMNS} {LINK_JOINS} \
             WHERE (l.customer_organisation_id = $1 OR l.supplier_organisation_id = $1){ended_filter} \
             ORDER BY l.linked_at DESC"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(link_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Ends a link. A customer ends links with its suppliers (owners and editors); a supplier ends links with its
    /// customers (owners).
    pub async fn end_supplier_link(&self, actor: &Actor, id: SupplierLinkId) -> Result<SupplierLink, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let link = link_by_id_in(&mut transaction, id)
            .await?
            .filter(|link| link.customer.id == actor.organisation_id || link.supplier.id == actor.organisation_id)
            .ok_or(StoreError::NotFound)?;
        if link.customer.id == actor.organisation_id {
            actor.require(Permission::ManageSuppliers)?;
        } else {
            actor.require(Permission::ManageCustomers)?;
        }
        if !link.is_active() {
            return Err(Conflict::AlreadyDone.into());
        }
        let ended = sqlx::query("UPDATE supplier_links SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
            .bind(time_to_db(now))
            .bind(id.to_string())
            .execute(&mut *transaction)
            .await?;
        if ended.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        audit::record_on_both_sides(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            [(link.customer.id, link.supplier.name.as_str()), (link.supplier.id, link.customer.name.as_str())],
            AuditAction::SupplierLinkEnded,
            &id.to_string(),
            &[],
        )
        .await?;
        transaction.commit().await?;
        Ok(SupplierLink { ended_at: Some(now), ..link })
    }
}

async fn invitation_by_id_in(
    transaction: &mut Transaction<'static, Any>,
    id: InvitationId,
) -> Result<Option<Invitation>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {INVITATION_COLUMNS} FROM supplier_invitations i \
         JOIN organisations o ON o.id = i.customer_organisation_id WHERE i.id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut **transaction)
    .await?;
    Ok(row.as_ref().map(invitation_from_row).transpose()?)
}

async fn link_by_id_in(
    transaction: &mut Transaction<'static, Any>,
    id: SupplierLinkId,
) -> Result<Option<SupplierLink>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {LINK_COLUMNS} {LINK_JOINS} WHERE l.id = $1")))
        .bind(id.to_string())
        .fetch_optional(&mut **transaction)
        .await?;
    Ok(row.as_ref().map(link_from_row).transpose()?)
}
