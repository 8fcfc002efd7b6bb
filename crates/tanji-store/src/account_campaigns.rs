//! A carbon-account scheme's campaigns, badges and leaderboards, and the person's own account page (issue 10).
//!
//! Nothing derived is stored. A campaign (window, provinces, campaign badge) and the milestone badges are what the
//! operator decided (migration 0019); scores, ranks and awards are recomputed from the operator's points ledger:
//! every transfer of the ledger is read once, each person's lots are replayed (`tanji_account::points::Lots`), and
//! `tanji_account::board` scores them at the moment of reading — expired points (swept or merely lapsed) and
//! reversed ones never count, ties go to whoever reached the score first, then the smaller person number. So a
//! rank can never disagree with the ledger. ARCHITECTURE.md says how this is sharded and merged at 10⁹ people.
//!
//! The person: an operator (`ManageAccountLinks`) issues a *pass* for one parent account, a 256-bit secret shown
//! once (`tanji_person_…`, stored as its SHA-256 digest, valid for a number of days, revocable). Presenting it gives
//! a [`PersonSession`] naming that one account; every person method here takes that session and nothing else, and
//! confines its SQL to the pass's parent account and operator — there is no way to name another person.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, query};
use tanji_account::board::{self, Award, Badge, BadgeRule, CampaignWindow, Entry, Leaderboard, Leaderboards, Ranked};
use tanji_account::ledger::{Amount, Transfer};
use tanji_account::methodology::{Citation, MethodologyVersionKey};
use tanji_account::points::{Chart, Lots, PersonId, Spend, SpendError, TransferCode, derive_id};
use tanji_account::rules::{self, OperationError, Rules};
use tanji_tenancy::member::Role;
use tanji_tenancy::region::china_province;
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{Actor, FieldError, OrganisationId, Permission, UserId};
use uuid::Uuid;

use crate::account_ledger::{PointsLedger, ledger_key_of, ledger_transfers};
use crate::account_methodologies::scheme_code;
use crate::credentials::{new_secret, secret_digest};
use crate::database::{RowExt, time_to_db, violated_unique_index};
use crate::{Store, StoreError, new_id};

/// Prefix of a person's pass, so that a leaked one is recognisable by secret scanners.
pub const PERSON_PASS_PREFIX: &str = "tanji_person_";
/// The longest a pass may be valid, in days.
pub const MAX_PASS_DAYS: u32 = 366;
/// Rows above and below the person in "my rank and my neighbours".
pub const NEIGHBOURS: usize = 2;

/// The badge of a campaign: earned by whoever earns `points` within the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignBadge {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub points: Amount,
}

/// A campaign to create: what the operator enters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCampaign {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub window: CampaignWindow,
    /// ISO 3166-2 codes of the provinces taking part, sorted; empty for nationwide.
    pub provinces: Vec<String>,
    pub badge: Option<CampaignBadge>,
}

/// The badge fields of a campaign form or body, as entered.
#[derive(Clone, Copy, Debug)]
pub struct BadgeInput<'a> {
    pub code: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    pub points: u64,
}

fn names(name_zh: &str, name_en: &str, prefix: &'static str, en: &'static str) -> Result<(String, String), FieldError> {
    Ok((single_line_text(prefix, name_zh, 60)?, single_line_text(en, name_en, 80)?))
}

impl NewCampaign {
    /// Checks what the operator entered: codes, names, a window that ends after it starts and lasts at most a year,
    /// provinces by their ISO 3166-2 codes, a badge threshold above zero.
    pub fn parse(
        code: &str,
        name_zh: &str,
        name_en: &str,
        starts_at: Timestamp,
        ends_at: Timestamp,
        provinces: &[&str],
        badge: Option<BadgeInput<'_>>,
    ) -> Result<Self, FieldError> {
        let code = scheme_code("code", code)?;
        let (name_zh, name_en) = names(name_zh, name_en, "name_zh", "name_en")?;
        if ends_at <= starts_at || ends_at.duration_since(starts_at) > SignedDuration::from_hours(24 * 366) {
            return Err(FieldError::new(
                "ends_at",
                Problem::Malformed { expected: "a time after starts_at, at most a year later" },
            ));
        }
        let mut chosen = BTreeSet::new();
        for raw in provinces.iter().map(|raw| raw.trim()).filter(|raw| !raw.is_empty()) {
            if china_province(raw).is_none() {
                return Err(FieldError::new(
                    "provinces",
                    Problem::Malformed { expected: "ISO 3166-2 codes of Chinese provinces, such as CN-GD" },
                ));
            }
            chosen.insert(raw.to_owned());
        }
        let badge = match badge {
            None => None,
            Some(input) => {
                let (name_zh, name_en) = names(input.name_zh, input.name_en, "badge_name_zh", "badge_name_en")?;
                if input.points == 0 || input.points > i64::MAX as u64 {
                    return Err(FieldError::new(
                        "badge_points",
                        Problem::OutOfRange { min: "1", max: "9223372036854775807" },
                    ));
                }
                Some(CampaignBadge {
                    code: scheme_code("badge_code", input.code)?,
                    name_zh,
                    name_en,
                    points: Amount::from(input.points),
                })
            }
        };
        Ok(NewCampaign {
            code,
            name_zh,
            name_en,
            window: CampaignWindow { start: starts_at, end: ends_at },
            provinces: chosen.into_iter().collect(),
            badge,
        })
    }
}

/// A stored campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    pub id: Uuid,
    pub operator_id: OrganisationId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub window: CampaignWindow,
    /// Empty: nationwide.
    pub provinces: Vec<String>,
    pub badge: Option<CampaignBadge>,
    pub created_at: Timestamp,
}

impl Campaign {
    /// The name in the reader's language.
    pub fn name(&self, english: bool) -> &str {
        if english { &self.name_en } else { &self.name_zh }
    }

    /// Whether a person of `province` takes part.
    pub fn includes(&self, province: Option<&str>) -> bool {
        self.provinces.is_empty() || province.is_some_and(|code| self.provinces.iter().any(|taking| taking == code))
    }

    /// The campaign badge as the domain's rule.
    pub fn badge_rule(&self) -> Option<Badge> {
        self.badge.as_ref().map(|badge| Badge {
            code: badge.code.clone(),
            rule: BadgeRule::Campaign { window: self.window, points: badge.points },
        })
    }
}

/// A milestone badge of the scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MilestoneBadge {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub rule: BadgeRule,
}

impl MilestoneBadge {
    /// Checks a milestone badge: a points or behaviour milestone (campaign badges belong to their campaign).
    pub fn parse(code: &str, name_zh: &str, name_en: &str, rule: BadgeRule) -> Result<Self, FieldError> {
        let code = scheme_code("code", code)?;
        let (name_zh, name_en) = names(name_zh, name_en, "name_zh", "name_en")?;
        let threshold_ok = match &rule {
            BadgeRule::PointsMilestone { points } => *points > 0,
            BadgeRule::BehaviourMilestone { activities, .. } => *activities > 0,
            BadgeRule::Campaign { .. } => {
                return Err(FieldError::new(
                    "rule",
                    Problem::Malformed {
                        expected: "a points or behaviour milestone (a campaign badge is set on its campaign)",
                    },
                ));
            }
        };
        if !threshold_ok {
            return Err(FieldError::new("rule", Problem::OutOfRange { min: "1", max: "4294967295" }));
        }
        Ok(MilestoneBadge { code, name_zh, name_en, rule })
    }

    /// The name in the reader's language.
    pub fn name(&self, english: bool) -> &str {
        if english { &self.name_en } else { &self.name_zh }
    }
}

/// A person as the boards show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub number: u64,
    pub display_name: String,
    pub province: Option<String>,
}

/// A campaign's boards at a moment, with the people's names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignBoards {
    pub campaign: Campaign,
    pub at: Timestamp,
    /// The national board and one per province (people without a province are only on the national one).
    pub boards: Leaderboards,
    pub people: BTreeMap<PersonId, Person>,
    /// Points counted on the national board.
    pub total_points: Amount,
}

impl CampaignBoards {
    /// The board of `province`, or the national one for `None`.
    pub fn board(&self, province: Option<&str>) -> Option<&Leaderboard> {
        match province {
            None => Some(&self.boards.national),
            Some(code) => self.boards.by_province.get(code),
        }
    }

    /// The person's display name (the board shows names, the ledger only numbers).
    pub fn name_of(&self, person: PersonId) -> &str {
        self.people.get(&person).map_or("", |found| found.display_name.as_str())
    }

    /// Points counted per province, in province order.
    pub fn province_totals(&self) -> Vec<(String, usize, Amount)> {
        self.boards
            .by_province
            .iter()
            .map(|(province, board)| {
                let rows = board.top(usize::MAX);
                (province.clone(), rows.len(), rows.iter().map(|row| row.entry.score.points).sum())
            })
            .collect()
    }
}

/// A pass as issued: the secret is shown once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedPass {
    pub id: Uuid,
    pub person_number: u64,
    pub secret: String,
    pub expires_at: Timestamp,
}

/// A person signed in with their pass: one parent account of one operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonSession {
    pub pass_id: Uuid,
    pub parent_account_id: Uuid,
    pub operator_id: OrganisationId,
    pub operator_name: String,
    pub operator_name_en: Option<String>,
    pub person: Person,
    pub expires_at: Timestamp,
}

/// What a credit in the person's history was for: the methodology version behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct CreditMethodology {
    pub key: MethodologyVersionKey,
    pub title_zh: String,
    pub title_en: String,
    pub behaviour: String,
    pub citation: Citation,
}

/// One line of the person's history, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryLine {
    pub at: Timestamp,
    pub kind: HistoryKind,
    /// Points in (credits) or out (spends, expiries, reversals).
    pub points: Amount,
    pub incoming: bool,
    /// For a credit: when the behaviour happened and the methodology that credited it.
    pub occurred_at: Option<Timestamp>,
    pub methodology: Option<CreditMethodology>,
    /// For a credit: when its points expire (None: never).
    pub expires_at: Option<Timestamp>,
}

/// What a history line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryKind {
    Earned,
    Redeemed,
    Donated,
    Expired,
    Reversed,
}

/// A campaign as the person sees it: their rank in their province and nationally, and their neighbours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonCampaign {
    pub campaign: Campaign,
    pub points: Amount,
    pub province_rank: Option<usize>,
    pub province_size: usize,
    pub national_rank: Option<usize>,
    pub national_size: usize,
    /// Rows around the person on their province's board (national when they have no province).
    pub neighbours: Vec<(Ranked, String)>,
}

/// A badge the person holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldBadge {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub earned_at: Timestamp,
}

impl HeldBadge {
    pub fn name(&self, english: bool) -> &str {
        if english { &self.name_en } else { &self.name_zh }
    }
}

/// The person's own account at a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonAccount {
    pub session: PersonSession,
    pub at: Timestamp,
    /// Points spendable now (unexpired lots).
    pub available: Amount,
    /// Points earned and still counted (not expired, not reversed; spent ones included).
    pub earned: Amount,
    pub history: Vec<HistoryLine>,
    pub badges: Vec<HeldBadge>,
    pub campaigns: Vec<PersonCampaign>,
}

/// Why a person's redemption or donation was refused.
#[derive(Debug, thiserror::Error)]
pub enum PersonSpendError {
    /// Nothing to spend from, too few points, or a zero amount: the domain's reason.
    #[error(transparent)]
    Refused(#[from] SpendError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The chart every operator's points are kept on.
const CHART: Chart = Chart::SCHEME;

const CAMPAIGN_COLUMNS: &str = "id, operator_id, code, name_zh, name_en, starts_at, ends_at, provinces, badge_code, \
     badge_name_zh, badge_name_en, badge_points, created_at";

fn campaign_from_row(row: &AnyRow) -> anyhow::Result<Campaign> {
    let badge = match (row.optional_text("badge_code")?, row.try_get_points("badge_points")?) {
        (Some(code), Some(points)) => Some(CampaignBadge {
            code,
            name_zh: row.optional_text("badge_name_zh")?.unwrap_or_default(),
            name_en: row.optional_text("badge_name_en")?.unwrap_or_default(),
            points,
        }),
        _ => None,
    };
    let provinces = row.text("provinces")?;
    Ok(Campaign {
        id: row.id("id")?,
        operator_id: row.id("operator_id")?,
        code: row.text("code")?,
        name_zh: row.text("name_zh")?,
        name_en: row.text("name_en")?,
        window: CampaignWindow { start: row.time("starts_at")?, end: row.time("ends_at")? },
        provinces: provinces.split(',').filter(|code| !code.is_empty()).map(str::to_owned).collect(),
        badge,
        created_at: row.time("created_at")?,
    })
}

trait PointsColumn {
    fn try_get_points(&self, column: &str) -> anyhow::Result<Option<Amount>>;
}

impl PointsColumn for AnyRow {
    fn try_get_points(&self, column: &str) -> anyhow::Result<Option<Amount>> {
        let value: Option<i64> = sqlx::Row::try_get(self, column)?;
        value.map(|points| Ok(Amount::try_from(points)?)).transpose()
    }
}

impl Store {
    /// Creates a campaign of the actor's scheme. A code the operator has used before is refused.
    pub async fn create_campaign(&self, actor: &Actor, new: &NewCampaign) -> Result<Campaign, StoreError> {
        actor.require(Permission::ManageCampaigns)?;
        let now = self.now();
        let id = new_id();
        let badge_points = new.badge.as_ref().map(|badge| i64::try_from(badge.points)).transpose().map_err(|_| {
            FieldError::new("badge_points", Problem::OutOfRange { min: "1", max: "9223372036854775807" })
        })?;
        let inserted = query(
            "INSERT INTO account_campaigns (id, operator_id, code, name_zh, name_en, starts_at, ends_at, provinces, \
             badge_code, badge_name_zh, badge_name_en, badge_points, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(&new.code)
        .bind(&new.name_zh)
        .bind(&new.name_en)
        .bind(time_to_db(new.window.start))
        .bind(time_to_db(new.window.end))
        .bind(new.provinces.join(","))
        .bind(new.badge.as_ref().map(|badge| badge.code.clone()))
        .bind(new.badge.as_ref().map(|badge| badge.name_zh.clone()))
        .bind(new.badge.as_ref().map(|badge| badge.name_en.clone()))
        .bind(badge_points)
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .execute(&self.pools.writer)
        .await;
        if let Err(error) = inserted {
            if violated_unique_index(
                &error,
                &[("account_campaigns_code", "account_campaigns.operator_id, account_campaigns.code")],
            )
            .is_some()
            {
                return Err(FieldError::new(
                    "code",
                    Problem::Malformed { expected: "a code not used by another campaign of this scheme" },
                )
                .into());
            }
            return Err(error.into());
        }
        Ok(Campaign {
            id,
            operator_id: actor.organisation_id,
            code: new.code.clone(),
            name_zh: new.name_zh.clone(),
            name_en: new.name_en.clone(),
            window: new.window,
            provinces: new.provinces.clone(),
            badge: new.badge.clone(),
            created_at: now,
        })
    }

    /// The actor's scheme's campaigns, the latest window first.
    pub async fn list_campaigns(&self, actor: &Actor) -> Result<Vec<Campaign>, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        self.operator_campaigns(actor.organisation_id).await
    }

    async fn operator_campaigns(&self, operator_id: OrganisationId) -> Result<Vec<Campaign>, StoreError> {
        let rows = query(AssertSqlSafe(format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM account_campaigns WHERE operator_id = $1 ORDER BY starts_at DESC, code"
        )))
        .bind(operator_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(campaign_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// One campaign of the actor's scheme; another scheme's reads as missing.
    pub async fn campaign(&self, actor: &Actor, id: Uuid) -> Result<Campaign, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        let row = query(AssertSqlSafe(format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM account_campaigns WHERE id = $1 AND operator_id = $2"
        )))
        .bind(id.to_string())
        .bind(actor.organisation_id.to_string())
        .fetch_optional(&self.pools.reader)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(campaign_from_row(&row)?)
    }

    /// The campaign's national and provincial boards at `at`, recomputed from the ledger.
    pub async fn campaign_boards(&self, actor: &Actor, id: Uuid, at: Timestamp) -> Result<CampaignBoards, StoreError> {
        let campaign = self.campaign(actor, id).await?;
        let scheme = self.scheme_lots(actor.organisation_id).await?;
        Ok(scheme.boards(campaign, at))
    }

    /// Adds a milestone badge to the actor's scheme.
    pub async fn create_badge(&self, actor: &Actor, badge: &MilestoneBadge) -> Result<MilestoneBadge, StoreError> {
        actor.require(Permission::ManageCampaigns)?;
        // Stored as columns, not as the rule's JSON: serde cannot buffer a u128 inside an internally tagged enum.
        let (kind, threshold, methodology_number) = match &badge.rule {
            BadgeRule::PointsMilestone { points } => ("points", i64::try_from(*points).ok(), None),
            BadgeRule::BehaviourMilestone { methodology_id, activities } => {
                ("behaviour", Some(i64::from(*activities)), Some(i64::from(methodology_id.0)))
            }
            BadgeRule::Campaign { .. } => ("campaign", None, None),
        };
        let Some(threshold) = threshold.filter(|_| kind != "campaign") else {
            return Err(FieldError::new(
                "rule",
                Problem::Malformed { expected: "a points or behaviour milestone below 2^63" },
            )
            .into());
        };
        let inserted = query(
            "INSERT INTO account_badges (operator_id, code, name_zh, name_en, kind, threshold, methodology_number, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(actor.organisation_id.to_string())
        .bind(&badge.code)
        .bind(&badge.name_zh)
        .bind(&badge.name_en)
        .bind(kind)
        .bind(threshold)
        .bind(methodology_number)
        .bind(time_to_db(self.now()))
        .execute(&self.pools.writer)
        .await;
        if let Err(error) = inserted {
            if violated_unique_index(
                &error,
                &[("account_badges_pkey", "account_badges.operator_id, account_badges.code")],
            )
            .is_some()
            {
                return Err(FieldError::new(
                    "code",
                    Problem::Malformed { expected: "a code not used by another badge of this scheme" },
                )
                .into());
            }
            return Err(error.into());
        }
        Ok(badge.clone())
    }

    /// The actor's scheme's milestone badges, by code.
    pub async fn list_badges(&self, actor: &Actor) -> Result<Vec<MilestoneBadge>, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        self.operator_badges(actor.organisation_id).await
    }

    async fn operator_badges(&self, operator_id: OrganisationId) -> Result<Vec<MilestoneBadge>, StoreError> {
        let rows = query(
            "SELECT code, name_zh, name_en, kind, threshold, methodology_number FROM account_badges \
             WHERE operator_id = $1 ORDER BY code",
        )
        .bind(operator_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut badges = Vec::with_capacity(rows.len());
        for row in &rows {
            let threshold = row.integer("threshold")?;
            let rule = match row.text("kind")?.as_str() {
                "points" => {
                    BadgeRule::PointsMilestone { points: Amount::try_from(threshold).map_err(anyhow::Error::from)? }
                }
                "behaviour" => {
                    let number: Option<i64> = sqlx::Row::try_get(row, "methodology_number")?;
                    BadgeRule::BehaviourMilestone {
                        methodology_id: tanji_account::methodology::MethodologyId(
                            u32::try_from(number.unwrap_or_default()).map_err(anyhow::Error::from)?,
                        ),
                        activities: u32::try_from(threshold).map_err(anyhow::Error::from)?,
                    }
                }
                other => return Err(anyhow::anyhow!("account_badges.kind holds {other}").into()),
            };
            badges.push(MilestoneBadge {
                code: row.text("code")?,
                name_zh: row.text("name_zh")?,
                name_en: row.text("name_en")?,
                rule,
            });
        }
        Ok(badges)
    }

    /// Issues a pass to the person of `person_number` (an account of the actor's scheme), valid for `valid_days`.
    /// The secret is returned once; only its digest is kept.
    pub async fn issue_person_pass(
        &self,
        actor: &Actor,
        person_number: u64,
        valid_days: u32,
    ) -> Result<IssuedPass, StoreError> {
        actor.require(Permission::ManageAccountLinks)?;
        if !(1..=MAX_PASS_DAYS).contains(&valid_days) {
            return Err(FieldError::new("valid_days", Problem::OutOfRange { min: "1", max: "366" }).into());
        }
        let number = i64::try_from(person_number).map_err(|_| StoreError::NotFound)?;
        let account = query("SELECT id FROM account_parent_accounts WHERE operator_id = $1 AND person_number = $2")
            .bind(actor.organisation_id.to_string())
            .bind(number)
            .fetch_optional(&self.pools.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        let parent_account_id: Uuid = account.id("id")?;
        let now = self.now();
        let expires_at = now + SignedDuration::from_hours(24 * i64::from(valid_days));
        let secret = new_secret(PERSON_PASS_PREFIX);
        let id = new_id();
        query(
            "INSERT INTO account_person_passes (id, parent_account_id, secret_digest, issued_at, issued_by, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(parent_account_id.to_string())
        .bind(secret_digest(&secret))
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .bind(time_to_db(expires_at))
        .execute(&self.pools.writer)
        .await?;
        Ok(IssuedPass { id, person_number, secret, expires_at })
    }

    /// Revokes every pass of the person of `person_number`: their open pages stop working at the next request.
    pub async fn revoke_person_passes(&self, actor: &Actor, person_number: u64) -> Result<u64, StoreError> {
        actor.require(Permission::ManageAccountLinks)?;
        let number = i64::try_from(person_number).map_err(|_| StoreError::NotFound)?;
        let done = query(
            "UPDATE account_person_passes SET revoked_at = $1 WHERE revoked_at IS NULL AND parent_account_id IN \
             (SELECT id FROM account_parent_accounts WHERE operator_id = $2 AND person_number = $3)",
        )
        .bind(time_to_db(self.now()))
        .bind(actor.organisation_id.to_string())
        .bind(number)
        .execute(&self.pools.writer)
        .await?;
        Ok(done.rows_affected())
    }

    /// The person a pass signs in, if the pass exists, is not revoked and has not expired.
    pub async fn person_session(&self, secret: &str) -> Result<Option<PersonSession>, StoreError> {
        if !secret.starts_with(PERSON_PASS_PREFIX) {
            return Ok(None);
        }
        let row = query(
            "SELECT p.id AS pass_id, p.expires_at, p.revoked_at, a.id AS account_id, a.operator_id, a.person_number, \
             a.display_name, a.province, o.name AS operator_name, o.name_en AS operator_name_en \
             FROM account_person_passes p JOIN account_parent_accounts a ON a.id = p.parent_account_id \
             JOIN organisations o ON o.id = a.operator_id WHERE p.secret_digest = $1",
        )
        .bind(secret_digest(secret))
        .fetch_optional(&self.pools.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at = row.time("expires_at")?;
        if row.optional_text("revoked_at")?.is_some() || expires_at <= self.now() {
            return Ok(None);
        }
        Ok(Some(PersonSession {
            pass_id: row.id("pass_id")?,
            parent_account_id: row.id("account_id")?,
            operator_id: row.id("operator_id")?,
            operator_name: row.text("operator_name")?,
            operator_name_en: row.optional_text("operator_name_en")?,
            person: Person {
                number: u64::try_from(row.integer("person_number")?).map_err(anyhow::Error::from)?,
                display_name: row.text("display_name")?,
                province: row.optional_text("province")?,
            },
            expires_at,
        }))
    }

    /// The person's own account at `at`: balance, history with the methodology of each credit, badges, and their
    /// rank and neighbours in each campaign open to their province.
    pub async fn person_account(&self, session: &PersonSession, at: Timestamp) -> Result<PersonAccount, StoreError> {
        let scheme = self.scheme_lots(session.operator_id).await?;
        let person = PersonId(session.person.number);
        let empty = Lots::default();
        let lots = scheme.lots.get(&person).unwrap_or(&empty);
        let transfers = scheme.transfers.get(&person).map_or(&[][..], Vec::as_slice);
        let methodologies = self.credit_methodologies(session.operator_id).await?;
        let history = history(transfers, lots, &methodologies);
        let earned = lots.lots.iter().map(|lot| board::counted_points(lot, at)).sum();

        let mut named: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut badges: Vec<Badge> = Vec::new();
        for badge in self.operator_badges(session.operator_id).await? {
            named.insert(badge.code.clone(), (badge.name_zh.clone(), badge.name_en.clone()));
            badges.push(Badge { code: badge.code, rule: badge.rule });
        }
        let mut campaigns = Vec::new();
        for campaign in self.operator_campaigns(session.operator_id).await? {
            if let (Some(badge), Some(rule)) = (&campaign.badge, campaign.badge_rule()) {
                named.insert(badge.code.clone(), (badge.name_zh.clone(), badge.name_en.clone()));
                badges.push(rule);
            }
            if !campaign.includes(session.person.province.as_deref()) || campaign.window.start > at {
                continue;
            }
            let boards = scheme.boards(campaign, at);
            let province = session.person.province.as_deref();
            let own = province.and_then(|code| boards.boards.by_province.get(code)).unwrap_or(&boards.boards.national);
            let neighbours = own
                .neighbourhood(person, NEIGHBOURS)
                .into_iter()
                .map(|row| {
                    let name = boards.name_of(row.entry.person).to_owned();
                    (row, name)
                })
                .collect();
            campaigns.push(PersonCampaign {
                points: board::campaign_score(lots, &boards.campaign.window, at).points,
                province_rank: province.and_then(|_| own.rank_of(person)),
                province_size: if province.is_some() { own.len() } else { 0 },
                national_rank: boards.boards.national.rank_of(person),
                national_size: boards.boards.national.len(),
                neighbours,
                campaign: boards.campaign,
            });
        }
        let badges = board::awards(&badges, lots, at)
            .into_iter()
            .map(|Award { code, earned_at }| {
                let (name_zh, name_en) = named.get(&code).cloned().unwrap_or_default();
                HeldBadge { code, name_zh, name_en, earned_at }
            })
            .collect();
        Ok(PersonAccount {
            session: session.clone(),
            at,
            available: lots.available(at),
            earned,
            history,
            badges,
            campaigns,
        })
    }

    /// Redeems or donates `amount` of the person's points (the lapsed lots are swept in the same linked chain).
    /// `request` is the form's one-time value: submitting the same form twice spends once.
    pub async fn person_spend(
        &self,
        session: &PersonSession,
        what: Spend,
        amount: Amount,
        request: &str,
        at: Timestamp,
    ) -> Result<(), PersonSpendError> {
        let person = PersonId(session.person.number);
        let Some(ledger_key) = ledger_key_of(&self.pools, session.operator_id).await? else {
            return Err(SpendError::InsufficientPoints { available: 0, requested: amount }.into());
        };
        let kind = query("SELECT kind FROM organisations WHERE id = $1")
            .bind(session.operator_id.to_string())
            .fetch_one(&self.pools.reader)
            .await
            .map_err(StoreError::from)?
            .text("kind")
            .map_err(StoreError::from)?;
        let actor = Actor {
            user_id: UserId::from_uuid(Uuid::nil()),
            label: format!("person {} (own page)", session.person.number),
            organisation_id: session.operator_id,
            organisation_kind: tanji_tenancy::organisation::OrganisationKind::parse("kind", &kind)
                .map_err(|_| StoreError::Internal(anyhow::anyhow!("organisation kind {kind}")))?,
            role: Role::Editor,
            credential: tanji_tenancy::access::Credential::Session,
        };
        let mut ledger = PointsLedger::for_person(&self.pools, actor, ledger_key);
        let request_id = derive_id(
            "tanji/person-spend",
            &[session.operator_id.to_string().as_bytes(), &person.0.to_be_bytes(), request.as_bytes()],
        );
        let rules = spending_rules();
        match rules::spend(&mut ledger, &rules, person, what, amount, request_id, at).await {
            Ok(()) => Ok(()),
            Err(OperationError::Spend(refused)) => Err(refused.into()),
            Err(OperationError::Storage(error)) => Err(error.into()),
            Err(OperationError::Refused(error)) => {
                // The ledger refused the chain: a balance limit (the person spent meanwhile elsewhere) reads as too
                // few points; anything else is a bug.
                let available = self.scheme_lots(session.operator_id).await?.available(person, at);
                if matches!(error, tanji_account::ledger::TransferError::ExceedsCredits) || available < amount {
                    Err(SpendError::InsufficientPoints { available, requested: amount }.into())
                } else {
                    Err(StoreError::Internal(anyhow::anyhow!("the ledger refused a person's spend: {error}")).into())
                }
            }
            Err(OperationError::NoSuchPending) => Err(StoreError::NotFound.into()),
        }
    }

    /// Every person's lots and transfers of an operator's scheme, and the people's names and provinces.
    pub(crate) async fn scheme_lots(&self, operator_id: OrganisationId) -> Result<SchemeLots, StoreError> {
        let rows = query(
            "SELECT person_number, display_name, province FROM account_parent_accounts WHERE operator_id = $1 \
             ORDER BY person_number",
        )
        .bind(operator_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut people = BTreeMap::new();
        for row in &rows {
            let number = u64::try_from(row.integer("person_number")?).map_err(anyhow::Error::from)?;
            people.insert(
                PersonId(number),
                Person { number, display_name: row.text("display_name")?, province: row.optional_text("province")? },
            );
        }
        let transfers = match ledger_key_of(&self.pools, operator_id).await? {
            Some(ledger_key) => ledger_transfers(&self.pools, ledger_key).await?,
            None => Vec::new(),
        };
        Ok(SchemeLots::replay(people, &transfers)?)
    }

    /// The titles and citations of the operator's methodology versions, for the person's history.
    async fn credit_methodologies(
        &self,
        operator_id: OrganisationId,
    ) -> Result<BTreeMap<MethodologyVersionKey, CreditMethodology>, StoreError> {
        let rows = query(
            "SELECT methodology_number, version, title_zh, title_en, behaviour, citation \
             FROM account_methodology_versions WHERE operator_id = $1",
        )
        .bind(operator_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let mut found = BTreeMap::new();
        for row in &rows {
            let key = MethodologyVersionKey {
                methodology_id: tanji_account::methodology::MethodologyId(
                    u32::try_from(row.integer("methodology_number")?).map_err(anyhow::Error::from)?,
                ),
                version: u32::try_from(row.integer("version")?).map_err(anyhow::Error::from)?,
            };
            found.insert(
                key,
                CreditMethodology {
                    key,
                    title_zh: row.text("title_zh")?,
                    title_en: row.text("title_en")?,
                    behaviour: row.text("behaviour")?,
                    citation: serde_json::from_str(&row.text("citation")?).map_err(anyhow::Error::from)?,
                },
            );
        }
        Ok(found)
    }
}

/// Rules for spending: `rules::spend` reads only the chart from them (caps and windows are about earning).
fn spending_rules() -> Rules {
    Rules {
        chart: CHART,
        utc_offset_seconds: 8 * 3600,
        points_per_kg_co2e: 1000,
        points_valid_days: None,
        daily_cap_points: None,
        behaviour_caps: BTreeMap::new(),
        claim_window_days: 0,
        issuance_delay_seconds: 0,
        collect_window_seconds: 0,
        velocity: None,
    }
}

/// Every person's lots of one scheme, replayed from the ledger's transfers.
#[derive(Clone, Debug, Default)]
pub struct SchemeLots {
    pub people: BTreeMap<PersonId, Person>,
    pub lots: BTreeMap<PersonId, Lots>,
    pub transfers: BTreeMap<PersonId, Vec<Transfer>>,
}

impl SchemeLots {
    /// Groups a ledger's transfers (oldest first) by person account and replays each person's lots. A history that
    /// does not replay is a damaged ledger, reported as an internal error.
    pub fn replay(people: BTreeMap<PersonId, Person>, transfers: &[Transfer]) -> anyhow::Result<Self> {
        let mut by_person: BTreeMap<PersonId, Vec<Transfer>> = BTreeMap::new();
        for transfer in transfers {
            let debit = CHART.person_of(transfer.debit_account_id);
            let credit = CHART.person_of(transfer.credit_account_id);
            for person in [debit, credit].into_iter().flatten() {
                by_person.entry(person).or_default().push(*transfer);
            }
        }
        let mut lots = BTreeMap::new();
        for (person, transfers) in &by_person {
            let replayed = Lots::replay(CHART.person(*person), transfers)
                .map_err(|error| anyhow::anyhow!("person {}'s points do not replay: {error}", person.0))?;
            lots.insert(*person, replayed);
        }
        Ok(SchemeLots { people, lots, transfers: by_person })
    }

    /// The campaign's boards at `at`: the people of its provinces, scored by `board::campaign_score`.
    pub fn boards(&self, campaign: Campaign, at: Timestamp) -> CampaignBoards {
        let mut national = Vec::new();
        let empty = Lots::default();
        for (person, found) in &self.people {
            if !campaign.includes(found.province.as_deref()) {
                continue;
            }
            let lots = self.lots.get(person).unwrap_or(&empty);
            national.push(Entry {
                person: *person,
                province: found.province.clone().unwrap_or_default(),
                score: board::campaign_score(lots, &campaign.window, at),
            });
        }
        let mut boards = Leaderboards::rank(national);
        // People without a province are ranked nationally only.
        boards.by_province.remove("");
        let total_points = boards.national.top(usize::MAX).iter().map(|row| row.entry.score.points).sum();
        CampaignBoards { campaign, at, boards, people: self.people.clone(), total_points }
    }

    /// The person's spendable points at `at`.
    pub fn available(&self, person: PersonId, at: Timestamp) -> Amount {
        self.lots.get(&person).map_or(0, |lots| lots.available(at))
    }
}

/// The person's transfers as history lines, newest first, each credit with its methodology.
fn history(
    transfers: &[Transfer],
    lots: &Lots,
    methodologies: &BTreeMap<MethodologyVersionKey, CreditMethodology>,
) -> Vec<HistoryLine> {
    let mut lines = Vec::new();
    for lot in &lots.lots {
        lines.push(HistoryLine {
            at: lot.credited_at,
            kind: HistoryKind::Earned,
            points: lot.amount,
            incoming: true,
            occurred_at: Some(lot.earn.occurred_at),
            methodology: methodologies.get(&lot.earn.methodology).cloned(),
            expires_at: lot.expires_at,
        });
    }
    for transfer in transfers {
        let posted = !transfer.flags.pending && !transfer.flags.void_pending_transfer;
        if !posted || CHART.person_of(transfer.debit_account_id).is_none() {
            continue;
        }
        let kind = match TransferCode::from_code(transfer.code) {
            Some(TransferCode::Redeem) => HistoryKind::Redeemed,
            Some(TransferCode::Donate) => HistoryKind::Donated,
            Some(TransferCode::Expire) => HistoryKind::Expired,
            Some(TransferCode::Reverse) => HistoryKind::Reversed,
            _ => continue,
        };
        lines.push(HistoryLine {
            at: transfer.timestamp,
            kind,
            points: transfer.amount,
            incoming: false,
            occurred_at: None,
            methodology: None,
            expires_at: None,
        });
    }
    lines.sort_by_key(|line| std::cmp::Reverse(line.at));
    lines
}
