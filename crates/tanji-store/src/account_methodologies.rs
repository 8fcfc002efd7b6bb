//! A carbon-account scheme's methodology registry (方法学): versions with their formula, parameters and citation,
//! and the review trail — who signed off and when, the public-notice window, approval and retirement.
//!
//! The store never decides a review step. It loads the version's state (the domain's `MethodologyVersion`, kept whole
//! as JSON), lets `tanji_account::methodology` take the step or refuse it with a `ReviewError`, and writes the new
//! state back under the version's step count, so that of two simultaneous steps only one applies. New versions go
//! through `MethodologyRegistry::add`, which numbers them and keeps a behaviour with one methodology.
//!
//! A methodology belongs to the platform operator that drafted it; every read and change is confined to the actor's
//! organisation, so another operator's methodology is `NotFound`.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use tanji_account::methodology::{
    Citation, Decision, Formula, MethodologyId, MethodologyRegistry, MethodologyVersion, MethodologyVersionKey,
    RegistryError, ReviewError, ReviewPolicy, ReviewStatus, WorkingCalendar,
};
use tanji_tenancy::audit::AuditAction;
use tanji_tenancy::validation::{Problem, single_line_text};
use tanji_tenancy::{Actor, Denied, FieldError, OrganisationId, Permission, UserId};

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_to_db};
use crate::{Store, StoreError, new_id};

/// The expert committee's rules: two distinct approving reviewers, then seven working days of public notice
/// (Guangdong's practice, REFERENCES.md §7).
pub const REVIEW_POLICY: ReviewPolicy = ReviewPolicy { approvals_required: 2, public_notice_working_days: 7 };

/// The day a review step counts for is the operator's calendar day in China Standard Time (UTC+8, no daylight
/// saving), whatever the server's zone.
pub fn scheme_today(now: Timestamp) -> Date {
    now.to_zoned(TimeZone::fixed(Offset::constant(8))).date()
}

/// Whether the operator checked a version's figures against its cited source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceCheck {
    /// The figures were checked against the cited, published source.
    Checked,
    /// Not checked (a low-authority statement, or figures still to find): shown as such on every page.
    Unverified,
}

impl SourceCheck {
    pub const fn as_str(self) -> &'static str {
        match self {
            SourceCheck::Checked => "checked",
            SourceCheck::Unverified => "unverified",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        tanji_tenancy::validation::one_of(
            "source_check",
            raw,
            &[("checked", SourceCheck::Checked), ("unverified", SourceCheck::Unverified)],
        )
    }
}

/// The behaviour a methodology credits, as sub-platforms name it in events (`metro_trip`, `no_cutlery_order`):
/// lower-case ASCII letters, digits and underscores, 2 to 64 characters, starting with a letter.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Behaviour(String);

impl Behaviour {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        scheme_code("behaviour", raw).map(Behaviour)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A code of a scheme's own (a behaviour, a campaign, a badge): lower-case ASCII letters, digits and underscores, 2 to
/// 64 characters, starting with a letter — stable in URLs, events and JSON, whatever the names shown to people.
pub fn scheme_code(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let value = raw.trim();
    let well_formed = (2..=64).contains(&value.len())
        && value.starts_with(|character: char| character.is_ascii_lowercase())
        && value
            .chars()
            .all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '_');
    if well_formed {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(
            field,
            Problem::Malformed {
                expected: "2 to 64 lower-case letters, digits or _, starting with a letter, such as metro_trip",
            },
        ))
    }
}

/// A methodology version to draft: what the operator enters.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMethodology {
    pub behaviour: Behaviour,
    pub title_zh: String,
    pub title_en: String,
    pub formula: Formula,
    pub citation: Citation,
    pub source_check: SourceCheck,
    /// The largest plausible quantity in one event; above it the event is held for review.
    pub max_quantity_per_event: f64,
}

impl NewMethodology {
    /// Checks the texts and the event limit. The formula's parameters are checked by the domain when the draft is
    /// submitted for review, so that an incomplete draft can be saved.
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        behaviour: &str,
        title_zh: &str,
        title_en: &str,
        formula: Formula,
        citation: Citation,
        source_check: SourceCheck,
        max_quantity_per_event: f64,
    ) -> Result<Self, FieldError> {
        let citation = Citation {
            title: single_line_text("citation_title", &citation.title, 300)?,
            publisher: single_line_text("citation_publisher", &citation.publisher, 200)?,
            version: optional_text("citation_version", citation.version, 60)?,
            year: match citation.year {
                Some(year) if !(1990..=2100).contains(&year) => {
                    return Err(FieldError::new("citation_year", Problem::OutOfRange { min: "1990", max: "2100" }));
                }
                year => year,
            },
            region: optional_text("citation_region", citation.region, 100)?,
            licence: optional_text("citation_licence", citation.licence, 100)?,
            url: match optional_text("citation_url", citation.url, 500)? {
                Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                    return Err(FieldError::new(
                        "citation_url",
                        Problem::Malformed { expected: "an http(s):// address" },
                    ));
                }
                url => url,
            },
        };
        if !(max_quantity_per_event.is_finite() && max_quantity_per_event > 0.0) {
            return Err(FieldError::new(
                "max_quantity_per_event",
                Problem::OutOfRange { min: "a number above 0", max: "any finite number" },
            ));
        }
        Ok(NewMethodology {
            behaviour: Behaviour::parse(behaviour)?,
            title_zh: single_line_text("title_zh", title_zh, 200)?,
            title_en: single_line_text("title_en", title_en, 200)?,
            formula,
            citation,
            source_check,
            max_quantity_per_event,
        })
    }
}

fn optional_text(field: &'static str, raw: Option<String>, max_chars: usize) -> Result<Option<String>, FieldError> {
    match raw {
        Some(text) if !text.trim().is_empty() => single_line_text(field, &text, max_chars).map(Some),
        _ => Ok(None),
    }
}

/// A step of the review, as the store is asked to take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStep {
    SubmitForReview,
    SignOff(Decision),
    StartPublicNotice,
    Approve,
    Retire,
}

impl ReviewStep {
    /// The permission the step needs: experts sign off, the methodology's editors do the rest.
    pub const fn permission(self) -> Permission {
        match self {
            ReviewStep::SignOff(_) => Permission::ReviewMethodologies,
            _ => Permission::EditMethodologies,
        }
    }

    /// The stored name of the step.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReviewStep::SubmitForReview => "submit_for_review",
            ReviewStep::SignOff(_) => "sign_off",
            ReviewStep::StartPublicNotice => "start_public_notice",
            ReviewStep::Approve => "approve",
            ReviewStep::Retire => "retire",
        }
    }

    fn audit_action(self) -> AuditAction {
        match self {
            ReviewStep::SubmitForReview => AuditAction::MethodologySubmitted,
            ReviewStep::SignOff(_) => AuditAction::MethodologySignedOff,
            ReviewStep::StartPublicNotice => AuditAction::MethodologyNoticeStarted,
            ReviewStep::Approve => AuditAction::MethodologyApproved,
            ReviewStep::Retire => AuditAction::MethodologyRetired,
        }
    }
}

/// One recorded step of a version's history (its drafting included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewStepRecord {
    /// `draft`, `submit_for_review`, `sign_off`, `start_public_notice`, `approve` or `retire`.
    pub action: String,
    pub decision: Option<Decision>,
    pub round: u32,
    pub by_user_id: Option<UserId>,
    /// Who took it, as the audit log names them.
    pub by_label: String,
    /// The operator's calendar day the step counts for.
    pub on: Date,
    pub recorded_at: Timestamp,
}

/// A stored methodology version with its review record.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredMethodology {
    pub operator_id: OrganisationId,
    pub title_zh: String,
    pub title_en: String,
    pub source_check: SourceCheck,
    /// The domain's version: key, behaviour, formula, citation, status, sign-offs and objections.
    pub version: MethodologyVersion,
    pub author_name: String,
    pub steps: Vec<ReviewStepRecord>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl StoredMethodology {
    pub fn number(&self) -> u32 {
        self.version.key.methodology_id.0
    }

    pub fn version_number(&self) -> u32 {
        self.version.key.version
    }

    /// The title in the reader's language.
    pub fn title(&self, english: bool) -> &str {
        if english { &self.title_en } else { &self.title_zh }
    }
}

/// Why a methodology change was refused.
#[derive(Debug, thiserror::Error)]
pub enum MethodologyError {
    /// Not found, denied, invalid input, a concurrent change, or a storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The domain refused the review step.
    #[error("review step refused: {0}")]
    Review(ReviewError),
    /// The domain refused the new version (numbering, or a behaviour another methodology credits).
    #[error("new version refused: {0}")]
    Registry(RegistryError),
}

impl From<sqlx::Error> for MethodologyError {
    fn from(error: sqlx::Error) -> Self {
        MethodologyError::Store(error.into())
    }
}

impl From<anyhow::Error> for MethodologyError {
    fn from(error: anyhow::Error) -> Self {
        MethodologyError::Store(error.into())
    }
}

impl From<Denied> for MethodologyError {
    fn from(error: Denied) -> Self {
        MethodologyError::Store(error.into())
    }
}

impl From<FieldError> for MethodologyError {
    fn from(error: FieldError) -> Self {
        MethodologyError::Store(error.into())
    }
}

const VERSION_COLUMNS: &str = "m.id, m.operator_id, m.title_zh, m.title_en, m.source_check, m.state, m.step_count, \
     m.created_at, m.updated_at, u.display_name AS author_name, u.email AS author_email";

/// Who takes a step: an actor, or the operator at the command line naming the member who signed (a paper record).
enum StepBy<'a> {
    Actor(&'a Actor),
    Operator { user_id: UserId, label: String },
}

impl StepBy<'_> {
    fn user_id(&self) -> UserId {
        match self {
            StepBy::Actor(actor) => actor.user_id,
            StepBy::Operator { user_id, .. } => *user_id,
        }
    }

    fn label(&self) -> String {
        match self {
            StepBy::Actor(actor) => actor.label.clone(),
            StepBy::Operator { label, .. } => label.clone(),
        }
    }

    fn changed_by(&self) -> ChangedBy<'_> {
        match self {
            StepBy::Actor(actor) => ChangedBy::Actor(actor),
            StepBy::Operator { .. } => ChangedBy::Operator,
        }
    }
}

impl Store {
    /// Drafts the first version of a new methodology, numbered after the operator's last.
    pub async fn create_methodology(
        &self,
        actor: &Actor,
        new: &NewMethodology,
    ) -> Result<StoredMethodology, MethodologyError> {
        actor.require(Permission::EditMethodologies)?;
        self.insert_version(StepBy::Actor(actor), actor.organisation_id, None, new, scheme_today(self.now())).await
    }

    /// Drafts the next version of methodology `number` (a revision: new figures, a new citation).
    pub async fn create_methodology_version(
        &self,
        actor: &Actor,
        number: u32,
        new: &NewMethodology,
    ) -> Result<StoredMethodology, MethodologyError> {
        actor.require(Permission::EditMethodologies)?;
        self.insert_version(StepBy::Actor(actor), actor.organisation_id, Some(number), new, scheme_today(self.now()))
            .await
    }

    /// The operator at the command line (and the demo) drafting for member `author` of operator organisation
    /// `operator_id`, on day `on`: for entering a methodology whose review happened on paper.
    pub async fn operator_create_methodology(
        &self,
        operator_id: OrganisationId,
        author: UserId,
        new: &NewMethodology,
        on: Date,
    ) -> Result<StoredMethodology, MethodologyError> {
        let by = self.operator_step_by(operator_id, author, Permission::EditMethodologies).await?;
        self.insert_version(by, operator_id, None, new, on).await
    }

    async fn insert_version(
        &self,
        by: StepBy<'_>,
        operator_id: OrganisationId,
        number: Option<u32>,
        new: &NewMethodology,
        on: Date,
    ) -> Result<StoredMethodology, MethodologyError> {
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let mut registry = registry_in(&mut transaction, operator_id).await?;
        let number = match number {
            Some(number) => {
                if !registry.versions().any(|version| version.key.methodology_id.0 == number) {
                    return Err(StoreError::NotFound.into());
                }
                number
            }
            None => registry.versions().map(|version| version.key.methodology_id.0).max().unwrap_or(0) + 1,
        };
        let latest = registry
            .versions()
            .filter(|version| version.key.methodology_id.0 == number)
            .map(|version| version.key.version)
            .max();
        let key = MethodologyVersionKey { methodology_id: MethodologyId(number), version: latest.map_or(1, |v| v + 1) };
        let version = MethodologyVersion::draft(
            key,
            new.behaviour.as_str(),
            new.formula.clone(),
            new.citation.clone(),
            by.user_id().to_string(),
            new.max_quantity_per_event,
        );
        registry.add(version.clone()).map_err(MethodologyError::Registry)?;
        let id = new_id().to_string();
        sqlx::query(
            "INSERT INTO account_methodology_versions (id, operator_id, methodology_number, version, behaviour, \
             title_zh, title_en, source_check, formula, citation, author_user_id, status, review_round, notice_from, \
             notice_until, effective_from, retired_on, state, step_count, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $19)",
        )
        .bind(&id)
        .bind(operator_id.to_string())
        .bind(i64::from(key.methodology_id.0))
        .bind(i64::from(key.version))
        .bind(new.behaviour.as_str())
        .bind(&new.title_zh)
        .bind(&new.title_en)
        .bind(new.source_check.as_str())
        .bind(serde_json::to_string(&version.formula).map_err(anyhow::Error::from)?)
        .bind(serde_json::to_string(&version.citation).map_err(anyhow::Error::from)?)
        .bind(by.user_id().to_string())
        .bind(version.status.code())
        .bind(i64::from(version.round))
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(serde_json::to_string(&version).map_err(anyhow::Error::from)?)
        .bind(time_to_db(now))
        .execute(&mut *transaction)
        .await?;
        record_step(&mut transaction, &id, 1, "draft", None, version.round, &by, on, now).await?;
        let label = format!("{} v{} {}", key.methodology_id.0, key.version, new.title_zh);
        audit::record(
            &mut transaction,
            by.changed_by(),
            now,
            Entry {
                organisation_id: operator_id,
                action: AuditAction::MethodologyDrafted,
                object_id: Some(id.clone()),
                object_label: &label,
                changes: Vec::new(),
            },
        )
        .await?;
        let stored = version_in(&mut transaction, operator_id, key).await?.ok_or(StoreError::NotFound)?;
        transaction.commit().await?;
        Ok(stored)
    }

    /// Takes a review step on version `version` of methodology `number`, dated the operator's today. The domain
    /// decides whether the step is allowed; a sign-off is the actor's own.
    pub async fn review_methodology(
        &self,
        actor: &Actor,
        number: u32,
        version: u32,
        step: ReviewStep,
    ) -> Result<StoredMethodology, MethodologyError> {
        actor.require(step.permission())?;
        let key = MethodologyVersionKey { methodology_id: MethodologyId(number), version };
        self.take_step(StepBy::Actor(actor), actor.organisation_id, key, step, scheme_today(self.now())).await
    }

    /// The operator at the command line (and the demo) recording a step taken on day `on` by member `by` of the
    /// operator organisation, who must hold the step's permission there: for entering a review held on paper. The
    /// domain still refuses a step dated before the previous one.
    pub async fn operator_review_methodology(
        &self,
        operator_id: OrganisationId,
        key: MethodologyVersionKey,
        step: ReviewStep,
        by: UserId,
        on: Date,
    ) -> Result<StoredMethodology, MethodologyError> {
        let by = self.operator_step_by(operator_id, by, step.permission()).await?;
        self.take_step(by, operator_id, key, step, on).await
    }

    async fn operator_step_by(
        &self,
        operator_id: OrganisationId,
        user_id: UserId,
        permission: Permission,
    ) -> Result<StepBy<'static>, MethodologyError> {
        let (role, kind) = self.acting_role(user_id, operator_id).await?.ok_or(StoreError::NotFound)?;
        if !tanji_tenancy::access::runs_account_scheme(kind)
            || !permission.granted_to_role(role)
            || !permission.available_to_kind(kind)
        {
            return Err(Denied { permission }.into());
        }
        let row = sqlx::query("SELECT email FROM users WHERE id = $1")
            .bind(user_id.to_string())
            .fetch_one(&self.pools.reader)
            .await?;
        // The member who took the step; the audit log says the operator entered it (`ChangedBy::Operator`).
        Ok(StepBy::Operator { user_id, label: row.text("email")? })
    }

    async fn take_step(
        &self,
        by: StepBy<'_>,
        operator_id: OrganisationId,
        key: MethodologyVersionKey,
        step: ReviewStep,
        on: Date,
    ) -> Result<StoredMethodology, MethodologyError> {
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let row = sqlx::query(
            "SELECT id, state, step_count, title_zh FROM account_methodology_versions \
             WHERE operator_id = $1 AND methodology_number = $2 AND version = $3",
        )
        .bind(operator_id.to_string())
        .bind(i64::from(key.methodology_id.0))
        .bind(i64::from(key.version))
        .fetch_optional(&mut *transaction)
        .await?
        .ok_or(StoreError::NotFound)?;
        let id = row.text("id")?;
        let step_count = row.integer("step_count")?;
        let mut version: MethodologyVersion = serde_json::from_str(&row.text("state")?).map_err(anyhow::Error::from)?;
        let round_before = version.round;
        let taken = match step {
            ReviewStep::SubmitForReview => version.submit_for_review(on),
            ReviewStep::SignOff(decision) => version.sign_off(&by.user_id().to_string(), decision, on),
            ReviewStep::StartPublicNotice => {
                let calendar = calendar_in(&mut transaction, operator_id).await?;
                version.start_public_notice(on, &REVIEW_POLICY, &calendar)
            }
            ReviewStep::Approve => version.approve(on),
            ReviewStep::Retire => version.retire(on),
        };
        taken.map_err(MethodologyError::Review)?;
        let (notice_from, notice_until, effective_from, retired_on) = status_dates(&version.status);
        let updated = sqlx::query(
            "UPDATE account_methodology_versions SET status = $1, review_round = $2, notice_from = $3, \
             notice_until = $4, effective_from = $5, retired_on = $6, state = $7, step_count = step_count + 1, \
             updated_at = $8 WHERE id = $9 AND step_count = $10",
        )
        .bind(version.status.code())
        .bind(i64::from(version.round))
        .bind(notice_from)
        .bind(notice_until)
        .bind(effective_from)
        .bind(retired_on)
        .bind(serde_json::to_string(&version).map_err(anyhow::Error::from)?)
        .bind(time_to_db(now))
        .bind(&id)
        .bind(step_count)
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(crate::Conflict::ConcurrentChange).into());
        }
        let decision = match step {
            ReviewStep::SignOff(decision) => Some(decision),
            _ => None,
        };
        record_step(&mut transaction, &id, step_count + 1, step.as_str(), decision, round_before, &by, on, now).await?;
        let label = match decision {
            Some(decision) => format!(
                "{} v{} {} ({})",
                key.methodology_id.0,
                key.version,
                row.text("title_zh")?,
                decision_code(decision)
            ),
            None => format!("{} v{} {}", key.methodology_id.0, key.version, row.text("title_zh")?),
        };
        audit::record(
            &mut transaction,
            by.changed_by(),
            now,
            Entry {
                organisation_id: operator_id,
                action: step.audit_action(),
                object_id: Some(id),
                object_label: &label,
                changes: Vec::new(),
            },
        )
        .await?;
        let stored = version_in(&mut transaction, operator_id, key).await?.ok_or(StoreError::NotFound)?;
        transaction.commit().await?;
        Ok(stored)
    }

    /// The operator's methodologies, every version, by number then version.
    pub async fn list_methodologies(&self, actor: &Actor) -> Result<Vec<StoredMethodology>, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        let mut transaction = self.pools.reader.begin().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {VERSION_COLUMNS} FROM account_methodology_versions m JOIN users u ON u.id = m.author_user_id \
             WHERE m.operator_id = $1 ORDER BY m.methodology_number, m.version"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&mut *transaction)
        .await?;
        let mut versions = Vec::with_capacity(rows.len());
        for row in &rows {
            versions.push(stored_from_row(&mut transaction, row).await?);
        }
        Ok(versions)
    }

    /// One version with its review record.
    pub async fn methodology(&self, actor: &Actor, number: u32, version: u32) -> Result<StoredMethodology, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        let mut transaction = self.pools.reader.begin().await?;
        let key = MethodologyVersionKey { methodology_id: MethodologyId(number), version };
        version_in(&mut transaction, actor.organisation_id, key).await?.ok_or(StoreError::NotFound)
    }

    /// The operator's registry, as the domain holds it: what event ingestion asks `crediting_version` of.
    pub async fn methodology_registry(&self, operator_id: OrganisationId) -> Result<MethodologyRegistry, StoreError> {
        let mut transaction = self.pools.reader.begin().await?;
        registry_in(&mut transaction, operator_id).await
    }

    /// Marks `day` as a public holiday or a make-up working day (调休) in the operator's calendar, or clears it
    /// (`kind` `None`). Public notices started afterwards count working days by it.
    pub async fn set_calendar_day(
        &self,
        actor: &Actor,
        day: Date,
        kind: Option<CalendarDayKind>,
    ) -> Result<(), StoreError> {
        actor.require(Permission::EditMethodologies)?;
        let mut transaction = self.pools.begin_write().await?;
        sqlx::query("DELETE FROM account_calendar_days WHERE operator_id = $1 AND day = $2")
            .bind(actor.organisation_id.to_string())
            .bind(day.to_string())
            .execute(&mut *transaction)
            .await?;
        if let Some(kind) = kind {
            sqlx::query("INSERT INTO account_calendar_days (operator_id, day, kind) VALUES ($1, $2, $3)")
                .bind(actor.organisation_id.to_string())
                .bind(day.to_string())
                .bind(kind.as_str())
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// The operator's working calendar.
    pub async fn working_calendar(&self, actor: &Actor) -> Result<WorkingCalendar, StoreError> {
        actor.require(Permission::ViewAccountScheme)?;
        let mut transaction = self.pools.reader.begin().await?;
        calendar_in(&mut transaction, actor.organisation_id).await
    }
}

/// A day that is not what its weekday says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarDayKind {
    Holiday,
    MakeUpWorkingDay,
}

impl CalendarDayKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            CalendarDayKind::Holiday => "holiday",
            CalendarDayKind::MakeUpWorkingDay => "make_up_working_day",
        }
    }
}

/// The stored code of a sign-off decision.
pub const fn decision_code(decision: Decision) -> &'static str {
    match decision {
        Decision::Approve => "approve",
        Decision::RequestChanges => "request_changes",
    }
}

fn status_dates(status: &ReviewStatus) -> (Option<String>, Option<String>, Option<String>, Option<String>) {
    match *status {
        ReviewStatus::Draft | ReviewStatus::ExpertReview => (None, None, None, None),
        ReviewStatus::PublicNotice { from, until } => (Some(from.to_string()), Some(until.to_string()), None, None),
        ReviewStatus::Approved { effective_from } => (None, None, Some(effective_from.to_string()), None),
        ReviewStatus::Retired { effective_from, retired_on } => {
            (None, None, Some(effective_from.to_string()), Some(retired_on.to_string()))
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn record_step(
    transaction: &mut Transaction<'static, Any>,
    version_id: &str,
    step_number: i64,
    action: &str,
    decision: Option<Decision>,
    round: u32,
    by: &StepBy<'_>,
    on: Date,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO account_methodology_review_steps (id, methodology_version_id, step_number, action, decision, \
         review_round, by_user_id, by_label, on_day, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id().to_string())
    .bind(version_id)
    .bind(step_number)
    .bind(action)
    .bind(decision.map(decision_code))
    .bind(i64::from(round))
    .bind(by.user_id().to_string())
    .bind(by.label())
    .bind(on.to_string())
    .bind(time_to_db(now))
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn registry_in(
    transaction: &mut Transaction<'static, Any>,
    operator_id: OrganisationId,
) -> Result<MethodologyRegistry, StoreError> {
    let rows = sqlx::query(
        "SELECT state FROM account_methodology_versions WHERE operator_id = $1 ORDER BY methodology_number, version",
    )
    .bind(operator_id.to_string())
    .fetch_all(&mut **transaction)
    .await?;
    let mut registry = MethodologyRegistry::new();
    for row in rows {
        let version: MethodologyVersion = serde_json::from_str(&row.text("state")?).map_err(anyhow::Error::from)?;
        registry.add(version).map_err(|error| anyhow::anyhow!("the stored registry does not rebuild: {error}"))?;
    }
    Ok(registry)
}

async fn calendar_in(
    transaction: &mut Transaction<'static, Any>,
    operator_id: OrganisationId,
) -> Result<WorkingCalendar, StoreError> {
    let rows = sqlx::query("SELECT day, kind FROM account_calendar_days WHERE operator_id = $1")
        .bind(operator_id.to_string())
        .fetch_all(&mut **transaction)
        .await?;
    let mut calendar = WorkingCalendar::default();
    for row in rows {
        let day: Date = row.text("day")?.parse().map_err(anyhow::Error::from)?;
        if row.text("kind")? == CalendarDayKind::Holiday.as_str() {
            calendar.holidays.insert(day);
        } else {
            calendar.make_up_working_days.insert(day);
        }
    }
    Ok(calendar)
}

async fn version_in(
    transaction: &mut Transaction<'static, Any>,
    operator_id: OrganisationId,
    key: MethodologyVersionKey,
) -> Result<Option<StoredMethodology>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {VERSION_COLUMNS} FROM account_methodology_versions m JOIN users u ON u.id = m.author_user_id \
         WHERE m.operator_id = $1 AND m.methodology_number = $2 AND m.version = $3"
    )))
    .bind(operator_id.to_string())
    .bind(i64::from(key.methodology_id.0))
    .bind(i64::from(key.version))
    .fetch_optional(&mut **transaction)
    .await?;
    match row {
        Some(row) => Ok(Some(stored_from_row(transaction, &row).await?)),
        None => Ok(None),
    }
}

async fn stored_from_row(
    transaction: &mut Transaction<'static, Any>,
    row: &AnyRow,
) -> Result<StoredMethodology, StoreError> {
    let version: MethodologyVersion = serde_json::from_str(&row.text("state")?).map_err(anyhow::Error::from)?;
    let steps = sqlx::query(
        "SELECT action, decision, review_round, by_user_id, by_label, on_day, recorded_at \
         FROM account_methodology_review_steps WHERE methodology_version_id = $1 ORDER BY step_number",
    )
    .bind(row.text("id")?)
    .fetch_all(&mut **transaction)
    .await?
    .iter()
    .map(|step| {
        Ok(ReviewStepRecord {
            action: step.text("action")?,
            decision: match step.optional_text("decision")?.as_deref() {
                Some("approve") => Some(Decision::Approve),
                Some("request_changes") => Some(Decision::RequestChanges),
                _ => None,
            },
            round: u32::try_from(step.integer("review_round")?)?,
            by_user_id: step.optional_id("by_user_id")?,
            by_label: step.text("by_label")?,
            on: step.text("on_day")?.parse()?,
            recorded_at: step.time("recorded_at")?,
        })
    })
    .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(StoredMethodology {
        operator_id: row.id("operator_id")?,
        title_zh: row.text("title_zh")?,
        title_en: row.text("title_en")?,
        source_check: if row.text("source_check")? == "checked" {
            SourceCheck::Checked
        } else {
            SourceCheck::Unverified
        },
        version,
        author_name: row.optional_text("author_name")?.unwrap_or(row.text("author_email")?),
        steps,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}
