//! Persons' parent accounts under a platform operator (the 1 of 1+N), and the links of sub-platform identities to
//! them, each with the person's consent as given (when, which wording, through which channel).
//!
//! Unlinking keeps the row and stamps `unlinked_at`: the history stays, and `Store::linked_parent_account` — what
//! event ingestion asks before it credits — finds only links in force, so an unlinked identity's later events are
//! refused. An identity has at most one link in force per sub-platform (a unique index), and may be linked again
//! after it was unlinked.
//!
//! The operator opens accounts and links identities. A sub-platform organisation reads the links of its own
//! registrations; anything else is `NotFound`.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, query};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::region::china_province;
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{Actor, FieldError, OrganisationId, Permission};
use uuid::Uuid;

use crate::account_sub_platforms::owned_sub_platform;
use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::{Conflict, Store, StoreError, new_id};

/// A person's parent account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParentAccount {
    pub id: Uuid,
    pub operator_id: OrganisationId,
    /// The person's number in the operator's directory: the ledger's `PersonId`.
    pub person_number: u64,
    pub display_name: String,
    /// ISO 3166-2 code of the province the person's leaderboards count them in (`CN-GD`).
    pub province: Option<String>,
    pub opened_at: Timestamp,
    pub n_links_in_force: i64,
}

/// How the person gave their consent to link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentChannel {
    /// In the sub-platform's or the operator's app.
    App,
    /// On a web page.
    Web,
    /// In person, at a counter or station.
    Counter,
    /// On a signed paper form.
    Paper,
}

impl ConsentChannel {
    pub const ALL: [ConsentChannel; 4] =
        [ConsentChannel::App, ConsentChannel::Web, ConsentChannel::Counter, ConsentChannel::Paper];

    pub const fn as_str(self) -> &'static str {
        match self {
            ConsentChannel::App => "app",
            ConsentChannel::Web => "web",
            ConsentChannel::Counter => "counter",
            ConsentChannel::Paper => "paper",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        tanji_tenancy::validation::one_of("consent_channel", raw, &Self::ALL.map(|channel| (channel.as_str(), channel)))
    }
}

/// The person's consent to a link, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub given_at: Timestamp,
    /// The version of the consent wording the person agreed to (`2026-01`).
    pub wording_version: String,
    pub channel: ConsentChannel,
}

/// A link to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLink {
    pub sub_platform_id: Uuid,
    /// The person's identity at the sub-platform (its user id there; opaque to tanji).
    pub external_identity: String,
    pub person_number: u64,
    pub consent: Consent,
}

impl NewLink {
    pub fn parse(
        sub_platform_id: Uuid,
        external_identity: &str,
        person_number: u64,
        consent_given_at: Timestamp,
        consent_wording_version: &str,
        consent_channel: &str,
    ) -> Result<Self, FieldError> {
        Ok(NewLink {
            sub_platform_id,
            external_identity: single_line_text("external_identity", external_identity, 128)?,
            person_number,
            consent: Consent {
                given_at: consent_given_at,
                wording_version: single_line_text("consent_wording_version", consent_wording_version, 40)?,
                channel: ConsentChannel::parse(consent_channel)?,
            },
        })
    }
}

/// A sub-platform identity's link to a parent account, in force or ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityLink {
    pub id: Uuid,
    pub sub_platform_id: Uuid,
    pub sub_platform_code: String,
    pub external_identity: String,
    pub parent_account_id: Uuid,
    pub person_number: u64,
    pub consent: Consent,
    pub linked_at: Timestamp,
    pub unlinked_at: Option<Timestamp>,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.operator_id, a.person_number, a.display_name, a.province, a.opened_at, \
     (SELECT COUNT(*) FROM account_identity_links l WHERE l.parent_account_id = a.id AND l.unlinked_at IS NULL) AS n_links";

const LINK_COLUMNS: &str = "l.id, l.sub_platform_id, s.code AS sub_platform_code, l.external_identity, \
     l.parent_account_id, a.person_number, l.consent_at, l.consent_wording_version, l.consent_channel, l.linked_at, \
     l.unlinked_at";

impl Store {
    /// Opens a person's parent account, numbered after the operator's last.
    pub async fn open_parent_account(
        &self,
        actor: &Actor,
        display_name: &str,
        province: Option<&str>,
    ) -> Result<ParentAccount, StoreError> {
        actor.require(Permission::ManageAccountLinks)?;
        let display_name = single_line_text("display_name", display_name, 60)?;
        let province = match province.map(str::trim).filter(|province| !province.is_empty()) {
            Some(code) => match china_province(code) {
                Some(_) => Some(code.to_owned()),
                None => {
                    return Err(FieldError::new(
                        "province",
                        Problem::Malformed { expected: "an ISO 3166-2 code of a Chinese province, such as CN-GD" },
                    )
                    .into());
                }
            },
            None => None,
        };
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let next = query(
            "SELECT COALESCE(MAX(person_number), 0) + 1 AS next FROM account_parent_accounts WHERE operator_id = $1",
        )
        .bind(actor.organisation_id.to_string())
        .fetch_one(&mut *transaction)
        .await?
        .integer("next")?;
        let id = new_id();
        let inserted = query(
            "INSERT INTO account_parent_accounts (id, operator_id, person_number, display_name, province, opened_at, \
             opened_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(next)
        .bind(&display_name)
        .bind(province.as_deref())
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&mut *transaction)
        .await;
        if let Err(error) = inserted {
            // Two accounts opened at the same moment drew the same number.
            if violated_unique_index(
                &error,
                &[(
                    "account_parent_accounts_number",
                    "account_parent_accounts.operator_id, account_parent_accounts.person_number",
                )],
            )
            .is_some()
            {
                return Err(Conflict::ConcurrentChange.into());
            }
            return Err(error.into());
        }
        let label = format!("{next} {display_name}");
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::ParentAccountOpened,
                object_id: Some(id.to_string()),
                object_label: &label,
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(ParentAccount {
            id,
            operator_id: actor.organisation_id,
            person_number: u64::try_from(next).map_err(anyhow::Error::from)?,
            display_name,
            province,
            opened_at: now,
            n_links_in_force: 0,
        })
    }

    /// The operator's parent accounts, by number.
    pub async fn list_parent_accounts(&self, actor: &Actor) -> Result<Vec<ParentAccount>, StoreError> {
        actor.require(Permission::ManageAccountLinks)?;
        let rows = query(AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account_parent_accounts a WHERE a.operator_id = $1 ORDER BY a.person_number"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(account_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// Links a sub-platform identity to a parent account with the person's consent. An identity already linked
    /// in force is a conflict (unlink it first); the consent cannot be dated in the future.
    pub async fn link_identity(&self, actor: &Actor, new: &NewLink) -> Result<IdentityLink, StoreError> {
        actor.require(Permission::ManageAccountLinks)?;
        let now = self.now();
        if new.consent.given_at > now {
            return Err(FieldError::new(
                "consent_given_at",
                Problem::Malformed { expected: "a time not in the future" },
            )
            .into());
        }
        let mut transaction = self.pools.begin_write().await?;
        let sub_platform_name = owned_sub_platform(&mut transaction, actor, new.sub_platform_id).await?;
        let person_number = i64::try_from(new.person_number).map_err(|_| StoreError::NotFound)?;
        let account = query("SELECT id FROM account_parent_accounts WHERE operator_id = $1 AND person_number = $2")
            .bind(actor.organisation_id.to_string())
            .bind(person_number)
            .fetch_optional(&mut *transaction)
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = new_id();
        let inserted = query(
            "INSERT INTO account_identity_links (id, sub_platform_id, external_identity, parent_account_id, consent_at, \
             consent_wording_version, consent_channel, linked_at, linked_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.to_string())
        .bind(new.sub_platform_id.to_string())
        .bind(&new.external_identity)
        .bind(account.text("id")?)
        .bind(time_to_db(crate::database::stored_precision(new.consent.given_at)))
        .bind(&new.consent.wording_version)
        .bind(new.consent.channel.as_str())
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&mut *transaction)
        .await;
        if let Err(error) = inserted {
            if violated_unique_index(
                &error,
                &[(
                    "account_identity_links_in_force",
                    "account_identity_links.sub_platform_id, account_identity_links.external_identity",
                )],
            )
            .is_some()
            {
                return Err(Conflict::IdentityLinked.into());
            }
            return Err(error.into());
        }
        let label = format!("{sub_platform_name} · {} → {}", new.external_identity, new.person_number);
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::IdentityLinked,
                object_id: Some(id.to_string()),
                object_label: &label,
                changes: Vec::new(),
            },
        )
        .await?;
        let link = link_in(&mut transaction, id).await?;
        transaction.commit().await?;
        Ok(link)
    }

    /// Ends a link in force; the row stays, with the time it ended.
    pub async fn unlink_identity(
        &self,
        actor: &Actor,
        sub_platform_id: Uuid,
        link_id: Uuid,
    ) -> Result<IdentityLink, StoreError> {
        actor.require(Permission::ManageAccountLinks)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let sub_platform_name = owned_sub_platform(&mut transaction, actor, sub_platform_id).await?;
        let link = link_in(&mut transaction, link_id).await?;
        if link.sub_platform_id != sub_platform_id {
            return Err(StoreError::NotFound);
        }
        let ended = query(
            "UPDATE account_identity_links SET unlinked_at = $1, unlinked_by = $2 WHERE id = $3 AND unlinked_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .bind(link_id.to_string())
        .execute(&mut *transaction)
        .await?;
        if ended.rows_affected() != 1 {
            return Err(Conflict::AlreadyDone.into());
        }
        let label = format!("{sub_platform_name} · {} → {}", link.external_identity, link.person_number);
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::IdentityUnlinked,
                object_id: Some(link_id.to_string()),
                object_label: &label,
                changes: Vec::new(),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(IdentityLink { unlinked_at: Some(now), ..link })
    }

    /// A sub-platform's links, in force and ended, newest first: the operator's for its sub-platforms, a
    /// sub-platform organisation's for its own registrations.
    pub async fn list_identity_links(
        &self,
        actor: &Actor,
        sub_platform_id: Uuid,
    ) -> Result<Vec<IdentityLink>, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        let rows = query(AssertSqlSafe(format!(
            "SELECT {LINK_COLUMNS} FROM account_identity_links l \
             JOIN account_sub_platforms s ON s.id = l.sub_platform_id \
             JOIN account_parent_accounts a ON a.id = l.parent_account_id \
             WHERE l.sub_platform_id = $1 AND (s.operator_id = $2 OR s.organisation_id = $2) \
             ORDER BY l.linked_at DESC, l.id"
        )))
        .bind(sub_platform_id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        if rows.is_empty() {
            // An empty list of a sub-platform the actor may not see must not differ from a missing one.
            self.sub_platform(actor, sub_platform_id).await?;
        }
        Ok(rows.iter().map(link_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// The parent account an identity of a sub-platform is linked to now, if any: what event ingestion checks
    /// before it credits (no link in force, no credit). Not confined by an actor: ingestion acts for the
    /// sub-platform whose credential it checked (`Store::sub_platform_caller`).
    pub async fn linked_parent_account(
        &self,
        sub_platform_id: Uuid,
        external_identity: &str,
    ) -> Result<Option<ParentAccount>, StoreError> {
        let row = query(AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account_identity_links l \
             JOIN account_parent_accounts a ON a.id = l.parent_account_id \
             WHERE l.sub_platform_id = $1 AND l.external_identity = $2 AND l.unlinked_at IS NULL"
        )))
        .bind(sub_platform_id.to_string())
        .bind(external_identity)
        .fetch_optional(&self.pools.reader)
        .await?;
        Ok(row.as_ref().map(account_from_row).transpose()?)
    }
}

async fn link_in(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    link_id: Uuid,
) -> Result<IdentityLink, StoreError> {
    let row = query(AssertSqlSafe(format!(
        "SELECT {LINK_COLUMNS} FROM account_identity_links l \
         JOIN account_sub_platforms s ON s.id = l.sub_platform_id \
         JOIN account_parent_accounts a ON a.id = l.parent_account_id WHERE l.id = $1"
    )))
    .bind(link_id.to_string())
    .fetch_optional(&mut **transaction)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(link_from_row(&row)?)
}

fn account_from_row(row: &AnyRow) -> anyhow::Result<ParentAccount> {
    Ok(ParentAccount {
        id: row.id("id")?,
        operator_id: row.id("operator_id")?,
        person_number: u64::try_from(row.integer("person_number")?)?,
        display_name: row.text("display_name")?,
        province: row.optional_text("province")?,
        opened_at: row.time("opened_at")?,
        n_links_in_force: row.integer("n_links")?,
    })
}

fn link_from_row(row: &AnyRow) -> anyhow::Result<IdentityLink> {
    Ok(IdentityLink {
        id: row.id("id")?,
        sub_platform_id: row.id("sub_platform_id")?,
        sub_platform_code: row.text("sub_platform_code")?,
        external_identity: row.text("external_identity")?,
        parent_account_id: row.id("parent_account_id")?,
        person_number: u64::try_from(row.integer("person_number")?)?,
        consent: Consent {
            given_at: row.time("consent_at")?,
            wording_version: row.text("consent_wording_version")?,
            channel: ConsentChannel::parse(&row.text("consent_channel")?)?,
        },
        linked_at: row.time("linked_at")?,
        unlinked_at: row.optional_time("unlinked_at")?,
    })
}
