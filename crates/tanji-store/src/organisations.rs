//! Organisations: reading and editing one's own profile, and registering tenants (operators only) with an invitation
//! for their first owner.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use tanji_tenancy::audit::{AuditAction, field_changes};
use tanji_tenancy::organisation::{
    CountryCode, Organisation, OrganisationKind, OrganisationName, OrganisationProfile, UnifiedSocialCreditCode,
};
use tanji_tenancy::{Actor, OrganisationId, Permission};

use tanji_tenancy::member::{Email, Role};
use tanji_tenancy::member_invitation::MemberInvitation;

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::member_invitations::insert_member_invitation_in;
use crate::{Conflict, Store, StoreError, new_id};

pub(crate) const ORGANISATION_COLUMNS: &str = "id, name, name_en, kind, country, credit_code, created_at, updated_at";

pub(crate) fn organisation_from_row(row: &AnyRow) -> anyhow::Result<Organisation> {
    let kind = row.text("kind")?;
    let credit_code = row.optional_text("credit_code")?;
    Ok(Organisation {
        id: row.id("id")?,
        name: OrganisationName::parse(&row.text("name")?)?,
        name_en: row.optional_text("name_en")?.as_deref().map(OrganisationName::parse).transpose()?,
        kind: OrganisationKind::parse("kind", &kind)?,
        country: CountryCode::parse("country", &row.text("country")?)?,
        credit_code: credit_code.as_deref().map(UnifiedSocialCreditCode::parse).transpose()?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

fn organisation_conflict(error: &sqlx::Error) -> Option<Conflict> {
    match violated_unique_index(
        error,
        &[
            ("organisations_name_key", "organisations.name"),
            ("organisations_credit_code_key", "organisations.credit_code"),
        ],
    )? {
        "organisations_name_key" => Some(Conflict::OrganisationName),
        _ => Some(Conflict::CreditCode),
    }
}

fn profile_fields(profile: &OrganisationProfile) -> [(&'static str, Option<String>); 4] {
    [
        ("name", Some(profile.name.as_str().to_owned())),
        ("name_en", profile.name_en.as_ref().map(|name| name.as_str().to_owned())),
        ("country", Some(profile.country.as_str().to_owned())),
        ("credit_code", profile.credit_code.as_ref().map(|code| code.as_str().to_owned())),
    ]
}

impl Store {
    /// The actor's own organisation.
    pub async fn organisation(&self, actor: &Actor) -> Result<Organisation, StoreError> {
        actor.require(Permission::ViewOrganisation)?;
        self.organisation_by_id(actor.organisation_id).await?.ok_or(StoreError::NotFound)
    }

    pub(crate) async fn organisation_by_id(&self, id: OrganisationId) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = $1")))
            .bind(id.to_string())
            .fetch_optional(&self.pools.reader)
            .await?;
        Ok(row.as_ref().map(organisation_from_row).transpose()?)
    }

    /// Changes the actor's organisation's profile. Owners only.
    pub async fn update_organisation(
        &self,
        actor: &Actor,
        profile: &OrganisationProfile,
    ) -> Result<Organisation, StoreError> {
        actor.require(Permission::EditOrganisation)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = $1")))
            .bind(actor.organisation_id.to_string())
            .fetch_optional(&mut *transaction)
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = organisation_from_row(&row)?;
        let before_profile = OrganisationProfile {
            name: before.name.clone(),
            name_en: before.name_en.clone(),
            country: before.country.clone(),
            credit_code: before.credit_code.clone(),
        };
        let changes = field_changes(&profile_fields(&before_profile), &profile_fields(profile));
        if changes.is_empty() {
            return Ok(before);
        }
        sqlx::query(
            "UPDATE organisations SET name = $1, country = $2, credit_code = $3, updated_at = $4, name_en = $6 \
             WHERE id = $5",
        )
        .bind(profile.name.as_str())
        .bind(profile.country.as_str())
        .bind(profile.credit_code.as_ref().map(UnifiedSocialCreditCode::as_str))
        .bind(time_to_db(now))
        .bind(actor.organisation_id.to_string())
        .bind(profile.name_en.as_ref().map(OrganisationName::as_str))
        .execute(&mut *transaction)
        .await
        .map_err(|error| organisation_conflict(&error).map_or_else(|| error.into(), StoreError::Conflict))?;
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::OrganisationUpdated,
                object_id: Some(actor.organisation_id.to_string()),
                object_label: profile.name.as_str(),
                changes,
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(Organisation {
            name: profile.name.clone(),
            name_en: profile.name_en.clone(),
            country: profile.country.clone(),
            credit_code: profile.credit_code.clone(),
            updated_at: now,
            ..before
        })
    }

    /// Registers a new organisation on behalf of a platform operator's owner (console or API) and, when `first_owner`
    /// is given, invites that address to be its owner — both or neither, in one transaction. Returns the organisation
    /// and the invitation with its code, which the caller shows once.
    ///
    /// Nobody is made a member here: the invited person accepts at the link (logged in with that address, or by
    /// creating its account), like any member invitation. Until then the organisation has no members; the invitation
    /// is still acceptable, since accepting only adds an owner. Like [`Store::invite_member`] this never reads the
    /// `users` table, so the answer is the same whether or not the address has an account.
    pub async fn register_organisation(
        &self,
        actor: &Actor,
        profile: &OrganisationProfile,
        kind: OrganisationKind,
        first_owner: Option<&Email>,
    ) -> Result<(Organisation, Option<(MemberInvitation, String)>), StoreError> {
        actor.require(Permission::ManageTenants)?;
        let mut transaction = self.pools.begin_write().await?;
        let organisation =
            self.insert_organisation_in(&mut transaction, ChangedBy::Actor(actor), profile, kind).await?;
        let owner_invitation = match first_owner {
            Some(email) => Some(
                insert_member_invitation_in(&mut transaction, actor, organisation.id, email, Role::Owner, self.now())
                    .await?,
            ),
            None => None,
        };
        transaction.commit().await?;
        Ok((organisation, owner_invitation))
    }

    /// Registers a new organisation from the operator's command line (`tanji org add`, the demo loader).
    pub async fn operator_register_organisation(
        &self,
        profile: &OrganisationProfile,
        kind: OrganisationKind,
    ) -> Result<Organisation, StoreError> {
        self.insert_organisation(ChangedBy::Operator, profile, kind).await
    }

    async fn insert_organisation(
        &self,
        by: ChangedBy<'_>,
        profile: &OrganisationProfile,
        kind: OrganisationKind,
    ) -> Result<Organisation, StoreError> {
        let mut transaction = self.pools.begin_write().await?;
        let organisation = self.insert_organisation_in(&mut transaction, by, profile, kind).await?;
        transaction.commit().await?;
        Ok(organisation)
    }

    pub(crate) async fn insert_organisation_in(
        &self,
        transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
        by: ChangedBy<'_>,
        profile: &OrganisationProfile,
        kind: OrganisationKind,
    ) -> Result<Organisation, StoreError> {
        let now = self.now();
        let organisation = Organisation {
            id: OrganisationId::from_uuid(new_id()),
            name: profile.name.clone(),
            name_en: profile.name_en.clone(),
            kind,
            country: profile.country.clone(),
            credit_code: profile.credit_code.clone(),
            created_at: now,
            updated_at: now,
        };
        sqlx::query(
            "INSERT INTO organisations (id, name, kind, country, credit_code, created_at, updated_at, name_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(organisation.id.to_string())
        .bind(organisation.name.as_str())
        .bind(kind.as_str())
        .bind(organisation.country.as_str())
        .bind(organisation.credit_code.as_ref().map(UnifiedSocialCreditCode::as_str))
        .bind(time_to_db(now))
        .bind(organisation.name_en.as_ref().map(OrganisationName::as_str))
        .execute(&mut **transaction)
        .await
        .map_err(|error| organisation_conflict(&error).map_or_else(|| error.into(), StoreError::Conflict))?;
        audit::record(
            transaction,
            by,
            now,
            Entry {
                organisation_id: organisation.id,
                action: AuditAction::OrganisationRegistered,
                object_id: Some(organisation.id.to_string()),
                object_label: organisation.name.as_str(),
                changes: Vec::new(),
            },
        )
        .await?;
        Ok(organisation)
    }

    /// Every organisation, by name; for the operator's command line.
    pub async fn operator_list_organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows =
            sqlx::query(AssertSqlSafe(format!("SELECT {ORGANISATION_COLUMNS} FROM organisations ORDER BY name")))
                .fetch_all(&self.pools.reader)
                .await?;
        Ok(rows.iter().map(organisation_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Finds an organisation by id or exact name; for the operator's command line.
    pub async fn operator_find_organisation(&self, id_or_name: &str) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ORGANISATION_COLUMNS} FROM organisations WHERE id = $1 OR name = $1"
        )))
        .bind(id_or_name.trim())
        .fetch_optional(&self.pools.reader)
        .await?;
        Ok(row.as_ref().map(organisation_from_row).transpose()?)
    }
}
