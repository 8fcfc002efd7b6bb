//! Supplier assessment campaigns (issue 12, migration 0020): a brand launches a campaign on a framework version and
//! asks suppliers (through its customer–supplier links in force, or by inviting one not yet on tanji); each supplier
//! answers indicators in versions and attaches evidence files; the brand's reviewers accept or reject each evidence
//! item; the scorecard is computed by `tanji_supplier::scoring::score` from the framework version, the answers and
//! the decisions whenever it is read — never stored, so it is always reproducible.
//!
//! Who sees what: a campaign and its participants belong to the brand; a participant's questionnaire is also seen
//! by the supplier organisation it asks, and only through a link in force (the link named at launch, or the link
//! its invitation created). A supplier never sees another participant; the brand sees only submitted answer
//! versions (the supplier sees its drafts too). The rules of each step are the domain's: `AnswerSheet` (replayed
//! from the rows) refuses a second answer without reopening and a reviewer deciding on their own answer;
//! `tanji_supplier::campaign::CampaignProblem` the workflow's own refusals; `evidence_file` the upload checks.
//! The brand's reviewers are never of the answering organisation (the store requires the campaign's brand), and
//! the domain refuses a reviewer who answered. Every step is audited in its transaction.

use std::collections::BTreeMap;

use base64::Engine as _;
use jiff::Timestamp;
use jiff::civil::Date;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Transaction};
use tanji_supplier::campaign::CampaignProblem;
use tanji_supplier::evidence_file::{EvidenceFileProblem, EvidenceMediaType, check_evidence_file};
use tanji_supplier::framework::{EvidenceKind, Framework};
use tanji_supplier::scoring::{Answer, AnswerError, AnswerSheet, Decision, Evidence, Scorecard, Verdict, score};
use tanji_tenancy::audit::{AuditAction, FieldChange};
use tanji_tenancy::supplier_link::InvitationDetails;
use tanji_tenancy::validation::{optional_single_line_text, single_line_text};
use tanji_tenancy::{Actor, Denied, FieldError, InvitationId, OrganisationId, Permission, SupplierLinkId, UserId};
use uuid::Uuid;

use crate::audit::{self, ChangedBy, Entry};
use crate::database::{RowExt, time_to_db};
use crate::{Store, StoreError, new_id};

/// Why a campaign step was refused.
#[derive(Debug, thiserror::Error)]
pub enum AssessmentError {
    /// Not found (or another tenant's), denied, invalid input, or a storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The domain refused the answer, the reopening or the decision.
    #[error("answer refused: {0}")]
    Answer(AnswerError),
    /// The evidence file was refused; nothing of it was stored.
    #[error("evidence file refused: {0}")]
    EvidenceFile(EvidenceFileProblem),
    /// The campaign's workflow refused the step.
    #[error("refused: {0}")]
    Campaign(CampaignProblem),
}

impl From<sqlx::Error> for AssessmentError {
    fn from(error: sqlx::Error) -> Self {
        AssessmentError::Store(error.into())
    }
}

impl From<anyhow::Error> for AssessmentError {
    fn from(error: anyhow::Error) -> Self {
        AssessmentError::Store(error.into())
    }
}

impl From<Denied> for AssessmentError {
    fn from(error: Denied) -> Self {
        AssessmentError::Store(error.into())
    }
}

impl From<FieldError> for AssessmentError {
    fn from(error: FieldError) -> Self {
        AssessmentError::Store(error.into())
    }
}

impl From<CampaignProblem> for AssessmentError {
    fn from(problem: CampaignProblem) -> Self {
        AssessmentError::Campaign(problem)
    }
}

/// A campaign to launch.
#[derive(Clone, Debug)]
pub struct NewCampaign {
    /// The campaign's name, e.g. "2026 自有品牌代工厂评估".
    pub name: String,
    pub framework_id: String,
    pub framework_version: u32,
    /// The day answers are due.
    pub due_on: Date,
    /// Suppliers asked through the brand's links in force.
    pub supplier_link_ids: Vec<SupplierLinkId>,
    /// Suppliers not yet on tanji: each gets a supplier invitation, and the campaign asks it once it accepts.
    pub invite: Vec<InvitationDetails>,
    /// Set for generated, illustrative campaigns (the demo's), shown wherever the campaign is.
    pub illustrative_note: Option<String>,
}

/// A campaign as stored.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Campaign {
    pub id: Uuid,
    pub brand_organisation_id: OrganisationId,
    pub brand_name: String,
    pub name: String,
    pub framework_id: String,
    pub framework_version: u32,
    pub due_on: Date,
    pub illustrative_note: Option<String>,
    pub created_at: Timestamp,
    pub n_participants: usize,
}

/// A supplier asked in a campaign.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Participant {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub supplier_name: String,
    /// The supplier organisation, once linked (through the link named at launch or the accepted invitation) and
    /// while the link is in force.
    pub supplier_organisation_id: Option<OrganisationId>,
    pub supplier_link_id: Option<SupplierLinkId>,
    pub invitation_id: Option<InvitationId>,
    pub submitted_at: Option<Timestamp>,
}

/// A launched campaign, with the codes of the invitations it sent (shown this once).
#[derive(Clone, Debug)]
pub struct LaunchedCampaign {
    pub campaign: Campaign,
    pub participants: Vec<Participant>,
    /// (supplier name, invitation code).
    pub invitation_codes: Vec<(String, String)>,
}

/// One reviewer's decision on an evidence item.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StoredDecision {
    pub reviewer: UserId,
    pub reviewer_name: String,
    pub verdict: Verdict,
    pub decided_at: Timestamp,
}

/// An evidence file's facts (its content is read with `Store::evidence_content`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct StoredEvidence {
    pub id: Uuid,
    pub kind: EvidenceKind,
    pub file_name: String,
    pub media_type: EvidenceMediaType,
    pub size_bytes: u64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    pub uploaded_at: Timestamp,
    pub decisions: Vec<StoredDecision>,
}

impl StoredEvidence {
    /// The decision that counts: the last one.
    pub fn last_decision(&self) -> Option<&StoredDecision> {
        self.decisions.last()
    }
}

/// One version of one answer.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StoredAnswer {
    pub id: Uuid,
    pub indicator: String,
    pub version: u32,
    pub tier: String,
    pub note: Option<String>,
    pub answered_by: UserId,
    pub answered_by_name: String,
    pub answered_at: Timestamp,
    pub reopened_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub evidence: Vec<StoredEvidence>,
}

/// A participant's questionnaire as the reader may see it, with its scorecard.
#[derive(Clone, Debug)]
pub struct Questionnaire {
    pub campaign: Campaign,
    pub participant: Participant,
    pub framework: Framework,
    /// Every version the reader may see (the brand: submitted versions only), by indicator then version.
    pub answers: Vec<StoredAnswer>,
    /// Computed now from `framework`, `answers` and their decisions.
    pub scorecard: Scorecard,
    /// Whether the reader is the campaign's brand (else the supplier asked).
    pub read_by_brand: bool,
}

impl Questionnaire {
    /// The latest visible version of an indicator's answer.
    pub fn current(&self, indicator: &str) -> Option<&StoredAnswer> {
        self.answers.iter().filter(|answer| answer.indicator == indicator).max_by_key(|answer| answer.version)
    }
}

/// One row of a campaign's ranking.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RankingRow {
    /// 1 for the best score; suppliers with equal scores share a rank.
    pub rank: usize,
    pub participant: Participant,
    pub score: f64,
    pub max_score: f64,
    pub band_grade: String,
    pub grade: String,
    /// Gates that lowered the grade.
    pub gates_lowering: Vec<String>,
    pub n_answered: usize,
    pub n_evidence_accepted: usize,
    pub n_evidence_awaiting: usize,
}

/// A campaign's results: its ranking and grade distribution.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CampaignResults {
    pub campaign: Campaign,
    pub rows: Vec<RankingRow>,
    /// (grade, number of suppliers), in the framework's band order, every grade listed.
    pub grade_distribution: Vec<(String, usize)>,
}

const CAMPAIGN_COLUMNS: &str = "c.id, c.brand_organisation_id, o.name AS brand_name, c.name, c.framework_id, \
     c.framework_version, c.due_on, c.illustrative_note, c.created_at, \
     (SELECT COUNT(*) FROM supplier_campaign_participants cp WHERE cp.campaign_id = c.id) AS n_participants";
const CAMPAIGN_FROM: &str = "FROM supplier_campaigns c JOIN organisations o ON o.id = c.brand_organisation_id";

const PARTICIPANT_COLUMNS: &str = "p.id, p.campaign_id, p.supplier_name, p.supplier_link_id, p.invitation_id, \
     p.submitted_at, COALESCE(l1.supplier_organisation_id, l2.supplier_organisation_id) AS supplier_organisation_id";
/// A participant's supplier is the organisation of a link in force: the one named at launch, or the one its
/// invitation created.
const PARTICIPANT_FROM: &str = "FROM supplier_campaign_participants p \
     LEFT JOIN supplier_links l1 ON l1.id = p.supplier_link_id AND l1.ended_at IS NULL \
     LEFT JOIN supplier_links l2 ON l2.invitation_id = p.invitation_id AND l2.ended_at IS NULL";

fn campaign_from_row(row: &AnyRow) -> anyhow::Result<Campaign> {
    Ok(Campaign {
        id: row.id("id")?,
        brand_organisation_id: row.id("brand_organisation_id")?,
        brand_name: row.text("brand_name")?,
        name: row.text("name")?,
        framework_id: row.text("framework_id")?,
        framework_version: u32::try_from(row.integer("framework_version")?)?,
        due_on: row.text("due_on")?.parse()?,
        illustrative_note: row.optional_text("illustrative_note")?,
        created_at: row.time("created_at")?,
        n_participants: usize::try_from(row.integer("n_participants")?)?,
    })
}

fn participant_from_row(row: &AnyRow) -> anyhow::Result<Participant> {
    Ok(Participant {
        id: row.id("id")?,
        campaign_id: row.id("campaign_id")?,
        supplier_name: row.text("supplier_name")?,
        supplier_organisation_id: row.optional_id("supplier_organisation_id")?,
        supplier_link_id: row.optional_id("supplier_link_id")?,
        invitation_id: row.optional_id("invitation_id")?,
        submitted_at: row.optional_time("submitted_at")?,
    })
}

fn framework_of(campaign: &Campaign) -> Result<Framework, AssessmentError> {
    tanji_supplier::bundled::framework(&campaign.framework_id, campaign.framework_version).ok_or_else(|| {
        AssessmentError::Store(StoreError::Internal(anyhow::anyhow!(
            "campaign {} names framework {}@{}, which this build does not ship",
            campaign.id,
            campaign.framework_id,
            campaign.framework_version
        )))
    })
}

fn evidence_kind(raw: &str) -> Result<EvidenceKind, CampaignProblem> {
    serde_json::from_value(serde_json::Value::String(raw.trim().to_owned()))
        .map_err(|_| CampaignProblem::UnknownEvidenceKind { kind: raw.chars().take(60).collect() })
}

/// The stored name of an evidence kind.
pub fn evidence_kind_code(kind: EvidenceKind) -> String {
    serde_json::to_value(kind).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Which side of a participant the actor is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Brand,
    Supplier,
}

async fn campaign_in(connection: &mut AnyConnection, id: Uuid) -> Result<Option<Campaign>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {CAMPAIGN_COLUMNS} {CAMPAIGN_FROM} WHERE c.id = $1")))
        .bind(id.to_string())
        .fetch_optional(&mut *connection)
        .await?;
    Ok(row.as_ref().map(campaign_from_row).transpose()?)
}

async fn participants_in(connection: &mut AnyConnection, campaign_id: Uuid) -> Result<Vec<Participant>, StoreError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {PARTICIPANT_COLUMNS} {PARTICIPANT_FROM} WHERE p.campaign_id = $1 ORDER BY p.supplier_name, p.id"
    )))
    .bind(campaign_id.to_string())
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows.iter().map(participant_from_row).collect::<anyhow::Result<_>>()?)
}

async fn participant_in(connection: &mut AnyConnection, id: Uuid) -> Result<Option<Participant>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!("SELECT {PARTICIPANT_COLUMNS} {PARTICIPANT_FROM} WHERE p.id = $1")))
        .bind(id.to_string())
        .fetch_optional(&mut *connection)
        .await?;
    Ok(row.as_ref().map(participant_from_row).transpose()?)
}

/// The participant and its campaign if the actor may see them, and from which side; otherwise `NotFound`.
async fn visible_participant(
    connection: &mut AnyConnection,
    actor: &Actor,
    participant_id: Uuid,
) -> Result<(Campaign, Participant, Side), StoreError> {
    actor.require(Permission::ViewSupplierLinks)?;
    let participant = participant_in(connection, participant_id).await?.ok_or(StoreError::NotFound)?;
    let campaign = campaign_in(connection, participant.campaign_id).await?.ok_or(StoreError::NotFound)?;
    let side = if campaign.brand_organisation_id == actor.organisation_id {
        Side::Brand
    } else if participant.supplier_organisation_id == Some(actor.organisation_id) {
        Side::Supplier
    } else {
        return Err(StoreError::NotFound);
    };
    Ok((campaign, participant, side))
}

/// Every answer version of the participants of `campaign_id` (or of one participant), with evidence facts and
/// decisions, keyed by participant.
async fn answers_in(
    connection: &mut AnyConnection,
    campaign_id: Uuid,
    participant_id: Option<Uuid>,
) -> Result<BTreeMap<Uuid, Vec<StoredAnswer>>, StoreError> {
    let only = participant_id.map(|id| id.to_string()).unwrap_or_default();
    let answer_rows = sqlx::query(
        "SELECT a.id, a.participant_id, a.indicator, a.version, a.tier, a.note, a.answered_by, \
         u.display_name AS answered_by_name, a.answered_at, a.reopened_at, a.submitted_at \
         FROM supplier_answers a JOIN supplier_campaign_participants p ON p.id = a.participant_id \
         JOIN users u ON u.id = a.answered_by \
         WHERE p.campaign_id = $1 AND ($2 = '' OR a.participant_id = $2) ORDER BY a.indicator, a.version",
    )
    .bind(campaign_id.to_string())
    .bind(&only)
    .fetch_all(&mut *connection)
    .await?;
    let evidence_rows = sqlx::query(
        "SELECT e.id, e.answer_id, e.kind, e.file_name, e.media_type, e.size_bytes, e.sha256, e.uploaded_at \
         FROM supplier_evidence e JOIN supplier_answers a ON a.id = e.answer_id \
         JOIN supplier_campaign_participants p ON p.id = a.participant_id \
         WHERE p.campaign_id = $1 AND ($2 = '' OR a.participant_id = $2) ORDER BY e.uploaded_at, e.id",
    )
    .bind(campaign_id.to_string())
    .bind(&only)
    .fetch_all(&mut *connection)
    .await?;
    let decision_rows = sqlx::query(
        "SELECT d.evidence_id, d.reviewer, u.display_name AS reviewer_name, d.verdict, d.comment, d.decided_at \
         FROM supplier_evidence_decisions d JOIN users u ON u.id = d.reviewer \
         JOIN supplier_evidence e ON e.id = d.evidence_id JOIN supplier_answers a ON a.id = e.answer_id \
         JOIN supplier_campaign_participants p ON p.id = a.participant_id \
         WHERE p.campaign_id = $1 AND ($2 = '' OR a.participant_id = $2) ORDER BY d.decided_at, d.id",
    )
    .bind(campaign_id.to_string())
    .bind(&only)
    .fetch_all(&mut *connection)
    .await?;
    let mut decisions: BTreeMap<Uuid, Vec<StoredDecision>> = BTreeMap::new();
    for row in &decision_rows {
        let verdict = match row.text("verdict")?.as_str() {
            "accepted" => Verdict::Accepted,
            _ => Verdict::Rejected { comment: row.optional_text("comment")?.unwrap_or_default() },
        };
        decisions.entry(row.id("evidence_id")?).or_default().push(StoredDecision {
            reviewer: row.id("reviewer")?,
            reviewer_name: row.text("reviewer_name")?,
            verdict,
            decided_at: row.time("decided_at")?,
        });
    }
    let mut evidence: BTreeMap<Uuid, Vec<StoredEvidence>> = BTreeMap::new();
    for row in &evidence_rows {
        let id: Uuid = row.id("id")?;
        let kind =
            evidence_kind(&row.text("kind")?).map_err(|problem| anyhow::anyhow!("stored evidence: {problem}"))?;
        let media_type = EvidenceMediaType::from_mime(&row.text("media_type")?)
            .ok_or_else(|| anyhow::anyhow!("stored evidence {id} has an unknown media type"))?;
        evidence.entry(row.id("answer_id")?).or_default().push(StoredEvidence {
            id,
            kind,
            file_name: row.text("file_name")?,
            media_type,
            size_bytes: u64::try_from(row.integer("size_bytes")?).map_err(anyhow::Error::from)?,
            sha256: row.text("sha256")?,
            uploaded_at: row.time("uploaded_at")?,
            decisions: decisions.remove(&id).unwrap_or_default(),
        });
    }
    let mut answers: BTreeMap<Uuid, Vec<StoredAnswer>> = BTreeMap::new();
    for row in &answer_rows {
        let id: Uuid = row.id("id")?;
        answers.entry(row.id("participant_id")?).or_default().push(StoredAnswer {
            id,
            indicator: row.text("indicator")?,
            version: u32::try_from(row.integer("version")?).map_err(anyhow::Error::from)?,
            tier: row.text("tier")?,
            note: row.optional_text("note")?,
            answered_by: row.id("answered_by")?,
            answered_by_name: row.text("answered_by_name")?,
            answered_at: row.time("answered_at")?,
            reopened_at: row.optional_time("reopened_at")?,
            submitted_at: row.optional_time("submitted_at")?,
            evidence: evidence.remove(&id).unwrap_or_default(),
        });
    }
    Ok(answers)
}

/// The domain's answer sheet, replayed from every stored version in order (with its reopenings), so the next
/// step — an answer, a reopening, a decision on the current version — is decided by `AnswerSheet`'s rules. Past
/// decisions are not replayed: `decide` checks only the current version and who answered it.
fn replay(framework: &Framework, answers: &[StoredAnswer]) -> Result<AnswerSheet, AssessmentError> {
    let mut sheet = AnswerSheet::new();
    for answer in answers {
        sheet
            .answer(
                framework,
                &answer.indicator,
                &answer.tier,
                &answer.answered_by.to_string(),
                domain_evidence(answer),
            )
            .map_err(|error| anyhow::anyhow!("stored answers do not replay: {error}"))?;
        if answer.reopened_at.is_some() {
            sheet.reopen(&answer.indicator).map_err(|error| anyhow::anyhow!("stored reopening: {error}"))?;
        }
    }
    Ok(sheet)
}

fn domain_evidence(answer: &StoredAnswer) -> Vec<Evidence> {
    answer.evidence.iter().map(|item| Evidence { id: item.id.to_string(), kind: item.kind }).collect()
}

fn domain_decision(answer: &StoredAnswer, item: &StoredEvidence, decision: &StoredDecision) -> Decision {
    Decision {
        indicator: answer.indicator.clone(),
        answer_version: answer.version,
        evidence_id: item.id.to_string(),
        reviewer: decision.reviewer.to_string(),
        verdict: decision.verdict.clone(),
    }
}

/// The scorecard of the visible answer versions and their decisions.
fn scorecard(framework: &Framework, answers: &[StoredAnswer]) -> Scorecard {
    let domain_answers: Vec<Answer> = answers
        .iter()
        .map(|answer| Answer {
            indicator: answer.indicator.clone(),
            version: answer.version,
            tier: answer.tier.clone(),
            answered_by: answer.answered_by.to_string(),
            evidence: domain_evidence(answer),
        })
        .collect();
    let mut decisions: Vec<(Timestamp, Decision)> = answers
        .iter()
        .flat_map(|answer| {
            answer.evidence.iter().flat_map(move |item| {
                item.decisions
                    .iter()
                    .map(move |decision| (decision.decided_at, domain_decision(answer, item, decision)))
            })
        })
        .collect();
    decisions.sort_by_key(|(at, _)| *at);
    let decisions: Vec<Decision> = decisions.into_iter().map(|(_, decision)| decision).collect();
    score(framework, &domain_answers, &decisions)
}

/// What the brand sees: submitted versions only.
fn visible_to(side: Side, answers: Vec<StoredAnswer>) -> Vec<StoredAnswer> {
    match side {
        Side::Supplier => answers,
        Side::Brand => answers.into_iter().filter(|answer| answer.submitted_at.is_some()).collect(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

impl Store {
    /// Launches a campaign for the actor's organisation (owners and editors of a brand, or of a supplier assessing
    /// its own suppliers): checks the framework version, the links and the due date, sends the invitations, and
    /// audits the launch for the brand and each linked supplier — all in one transaction.
    pub async fn launch_campaign(&self, actor: &Actor, new: &NewCampaign) -> Result<LaunchedCampaign, AssessmentError> {
        actor.require(Permission::ManageSuppliers)?;
        let name = single_line_text("name", &new.name, 120)?;
        let illustrative_note = optional_single_line_text("illustrative_note", new.illustrative_note.as_deref(), 300)?;
        if tanji_supplier::bundled::framework(&new.framework_id, new.framework_version).is_none() {
            return Err(CampaignProblem::UnknownFramework {
                framework_id: new.framework_id.chars().take(80).collect(),
                framework_version: new.framework_version,
            }
            .into());
        }
        if new.supplier_link_ids.is_empty() && new.invite.is_empty() {
            return Err(CampaignProblem::NoSuppliers.into());
        }
        let now = self.now();
        let today = now.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8))).date();
        if new.due_on < today {
            return Err(
                CampaignProblem::DueDateInPast { due_on: new.due_on.to_string(), today: today.to_string() }.into()
            );
        }
        let mut transaction = self.pools.begin_write().await?;
        let campaign_id = new_id();
        sqlx::query(
            "INSERT INTO supplier_campaigns (id, brand_organisation_id, name, framework_id, framework_version, due_on, \
             illustrative_note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(campaign_id.to_string())
        .bind(actor.organisation_id.to_string())
        .bind(&name)
        .bind(&new.framework_id)
        .bind(i64::from(new.framework_version))
        .bind(new.due_on.to_string())
        .bind(illustrative_note.clone())
        .bind(actor.user_id.to_string())
        .bind(time_to_db(now))
        .execute(&mut *transaction)
        .await?;
        let mut linked_suppliers: Vec<(OrganisationId, String)> = Vec::new();
        for (link_idx, link_id) in new.supplier_link_ids.iter().enumerate() {
            if new.supplier_link_ids[..link_idx].contains(link_id) {
                return Err(CampaignProblem::DuplicateSupplier { link_id: link_id.to_string() }.into());
            }
            let row = sqlx::query(
                "SELECT l.supplier_organisation_id, s.name FROM supplier_links l \
                 JOIN organisations s ON s.id = l.supplier_organisation_id \
                 WHERE l.id = $1 AND l.customer_organisation_id = $2 AND l.ended_at IS NULL",
            )
            .bind(link_id.to_string())
            .bind(actor.organisation_id.to_string())
            .fetch_optional(&mut *transaction)
            .await?
            .ok_or_else(|| CampaignProblem::LinkNotInForce { link_id: link_id.to_string() })?;
            let supplier_name = row.text("name")?;
            insert_participant(&mut transaction, campaign_id, &supplier_name, Some(*link_id), None, now).await?;
            linked_suppliers.push((row.id("supplier_organisation_id")?, supplier_name));
        }
        let mut invitation_codes = Vec::new();
        for details in &new.invite {
            let (invitation, code) = self.insert_invitation_in(&mut transaction, actor, details).await?;
            insert_participant(&mut transaction, campaign_id, &details.supplier_name, None, Some(invitation.id), now)
                .await?;
            invitation_codes.push((details.supplier_name.clone(), code));
        }
        let changes = vec![FieldChange {
            field: "framework".into(),
            before: None,
            after: Some(format!("{}@{}", new.framework_id, new.framework_version)),
        }];
        audit::record(
            &mut transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id: actor.organisation_id,
                action: AuditAction::SupplierCampaignLaunched,
                object_id: Some(campaign_id.to_string()),
                object_label: &name,
                changes: changes.clone(),
            },
        )
        .await?;
        let brand_name = organisation_name_in(&mut transaction, actor.organisation_id).await?;
        for (supplier_id, _) in &linked_suppliers {
            audit::record(
                &mut transaction,
                ChangedBy::Actor(actor),
                now,
                Entry {
                    organisation_id: *supplier_id,
                    action: AuditAction::SupplierCampaignLaunched,
                    object_id: Some(campaign_id.to_string()),
                    object_label: &brand_name,
                    changes: changes.clone(),
                },
            )
            .await?;
        }
        let campaign = campaign_in(&mut transaction, campaign_id).await?.ok_or(StoreError::NotFound)?;
        let participants = participants_in(&mut transaction, campaign_id).await?;
        transaction.commit().await?;
        Ok(LaunchedCampaign { campaign, participants, invitation_codes })
    }

    /// The campaigns the actor's organisation runs, newest first.
    pub async fn list_supplier_campaigns(&self, actor: &Actor) -> Result<Vec<Campaign>, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {CAMPAIGN_COLUMNS} {CAMPAIGN_FROM} WHERE c.brand_organisation_id = $1 ORDER BY c.created_at DESC, c.id"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        Ok(rows.iter().map(campaign_from_row).collect::<anyhow::Result<_>>()?)
    }

    /// One of the actor's organisation's campaigns with its participants.
    pub async fn supplier_campaign(&self, actor: &Actor, id: Uuid) -> Result<(Campaign, Vec<Participant>), StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let mut connection = self.pools.reader.acquire().await?;
        let campaign = campaign_in(&mut connection, id)
            .await?
            .filter(|campaign| campaign.brand_organisation_id == actor.organisation_id)
            .ok_or(StoreError::NotFound)?;
        let participants = participants_in(&mut connection, id).await?;
        Ok((campaign, participants))
    }

    /// The questionnaires the actor's (supplier) organisation is asked to answer, with their campaigns, newest
    /// first: only through links in force.
    pub async fn assessments_asked(&self, actor: &Actor) -> Result<Vec<(Campaign, Participant)>, StoreError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {PARTICIPANT_COLUMNS} {PARTICIPANT_FROM} \
             WHERE COALESCE(l1.supplier_organisation_id, l2.supplier_organisation_id) = $1"
        )))
        .bind(actor.organisation_id.to_string())
        .fetch_all(&self.pools.reader)
        .await?;
        let participants: Vec<Participant> = rows.iter().map(participant_from_row).collect::<anyhow::Result<_>>()?;
        let mut connection = self.pools.reader.acquire().await?;
        let mut asked = Vec::new();
        for participant in participants {
            let campaign = campaign_in(&mut connection, participant.campaign_id).await?.ok_or(StoreError::NotFound)?;
            asked.push((campaign, participant));
        }
        asked.sort_by_key(|(campaign, _)| std::cmp::Reverse(campaign.created_at));
        Ok(asked)
    }

    /// A participant's questionnaire with its scorecard, for the campaign's brand (submitted versions) or the
    /// supplier asked (every version). Anyone else: `NotFound`.
    pub async fn questionnaire(&self, actor: &Actor, participant_id: Uuid) -> Result<Questionnaire, AssessmentError> {
        let mut connection = self.pools.reader.acquire().await?;
        let (campaign, participant, side) = visible_participant(&mut connection, actor, participant_id).await?;
        let framework = framework_of(&campaign)?;
        let answers = answers_in(&mut connection, campaign.id, Some(participant.id))
            .await?
            .remove(&participant.id)
            .unwrap_or_default();
        let answers = visible_to(side, answers);
        let scorecard = scorecard(&framework, &answers);
        Ok(Questionnaire { campaign, participant, framework, answers, scorecard, read_by_brand: side == Side::Brand })
    }

    /// Records the supplier's answer to an indicator (version 1, or the next after a reopening). Owners and editors
    /// of the supplier asked.
    pub async fn answer_indicator(
        &self,
        actor: &Actor,
        participant_id: Uuid,
        indicator: &str,
        tier: &str,
        note: Option<&str>,
    ) -> Result<u32, AssessmentError> {
        let note = optional_single_line_text("note", note, 1000)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let (campaign, participant, side) = visible_participant(&mut transaction, actor, participant_id).await?;
        if side != Side::Supplier {
            return Err(StoreError::NotFound.into());
        }
        actor.require(Permission::AnswerSupplierAssessments)?;
        let framework = framework_of(&campaign)?;
        let answers = answers_in(&mut transaction, campaign.id, Some(participant.id))
            .await?
            .remove(&participant.id)
            .unwrap_or_default();
        let mut sheet = replay(&framework, &answers)?;
        let version = sheet
            .answer(&framework, indicator, tier, &actor.user_id.to_string(), Vec::new())
            .map_err(AssessmentError::Answer)?;
        sqlx::query(
            "INSERT INTO supplier_answers (id, participant_id, indicator, version, tier, note, answered_by, answered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id().to_string())
        .bind(participant.id.to_string())
        .bind(indicator)
        .bind(i64::from(version))
        .bind(tier)
        .bind(note)
        .bind(actor.user_id.to_string())
        .bind(time_to_db(now))
        .execute(&mut *transaction)
        .await?;
        let change =
            FieldChange { field: indicator.to_owned(), before: None, after: Some(format!("{tier} (v{version})")) };
        record_supplier_step(
            &mut transaction,
            actor,
            now,
            &campaign,
            &participant,
            AuditAction::SupplierAnswerRecorded,
            change,
            false,
        )
        .await?;
        transaction.commit().await?;
        Ok(version)
    }

    /// Reopens an answered indicator for a new version: the supplier asked (its owners and editors) or the
    /// campaign's reviewers (asking for a new answer). Decisions on the earlier version stop counting once the new
    /// version replaces it.
    pub async fn reopen_answer(
        &self,
        actor: &Actor,
        participant_id: Uuid,
        indicator: &str,
    ) -> Result<(), AssessmentError> {
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let (campaign, participant, side) = visible_participant(&mut transaction, actor, participant_id).await?;
        match side {
            Side::Supplier => actor.require(Permission::AnswerSupplierAssessments)?,
            Side::Brand => actor.require(Permission::ReviewSupplierEvidence)?,
        }
        let framework = framework_of(&campaign)?;
        let answers = answers_in(&mut transaction, campaign.id, Some(participant.id))
            .await?
            .remove(&participant.id)
            .unwrap_or_default();
        let mut sheet = replay(&framework, &answers)?;
        sheet.reopen(indicator).map_err(AssessmentError::Answer)?;
        let current = answers
            .iter()
            .filter(|answer| answer.indicator == indicator)
            .max_by_key(|answer| answer.version)
            .ok_or_else(|| AssessmentError::Answer(AnswerError::NothingToReopen { indicator: indicator.to_owned() }))?;
        if side == Side::Brand && current.submitted_at.is_none() {
            // The brand cannot see an unsubmitted version, so it cannot ask for it to be redone.
            return Err(CampaignProblem::NotSubmitted { indicator: indicator.to_owned() }.into());
        }
        sqlx::query(
            "UPDATE supplier_answers SET reopened_at = $1, reopened_by = $2 WHERE id = $3 AND reopened_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(actor.user_id.to_string())
        .bind(current.id.to_string())
        .execute(&mut *transaction)
        .await?;
        let change = FieldChange {
            field: indicator.to_owned(),
            before: Some(format!("v{}", current.version)),
            after: Some(format!("v{}", current.version + 1)),
        };
        record_supplier_step(
            &mut transaction,
            actor,
            now,
            &campaign,
            &participant,
            AuditAction::SupplierAnswerReopened,
            change,
            true,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Attaches an evidence file to the current, unsubmitted version of an indicator's answer, after the checks of
    /// `tanji_supplier::evidence_file` (size, type sniffed from the bytes, active content). A refused file leaves
    /// nothing behind.
    pub async fn upload_evidence(
        &self,
        actor: &Actor,
        participant_id: Uuid,
        indicator: &str,
        kind: &str,
        file_name: &str,
        content: &[u8],
    ) -> Result<StoredEvidence, AssessmentError> {
        let kind = evidence_kind(kind)?;
        let checked = check_evidence_file(file_name, content).map_err(AssessmentError::EvidenceFile)?;
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let (campaign, participant, side) = visible_participant(&mut transaction, actor, participant_id).await?;
        if side != Side::Supplier {
            return Err(StoreError::NotFound.into());
        }
        actor.require(Permission::AnswerSupplierAssessments)?;
        let answers = answers_in(&mut transaction, campaign.id, Some(participant.id))
            .await?
            .remove(&participant.id)
            .unwrap_or_default();
        let current = answers
            .iter()
            .filter(|answer| answer.indicator == indicator)
            .max_by_key(|answer| answer.version)
            .ok_or_else(|| CampaignProblem::NotAnswered { indicator: indicator.chars().take(80).collect() })?;
        if current.submitted_at.is_some() {
            return Err(CampaignProblem::AnswerSubmitted { indicator: indicator.to_owned() }.into());
        }
        let id = new_id();
        let sha256 = hex(&Sha256::digest(content));
        sqlx::query(
            "INSERT INTO supplier_evidence (id, answer_id, kind, file_name, media_type, size_bytes, sha256, \
             content_base64, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(current.id.to_string())
        .bind(evidence_kind_code(kind))
        .bind(&checked.file_name)
        .bind(checked.media_type.mime())
        .bind(i64::try_from(checked.size_bytes).map_err(anyhow::Error::from)?)
        .bind(&sha256)
        .bind(base64::engine::general_purpose::STANDARD.encode(content))
        .bind(actor.user_id.to_string())
        .bind(time_to_db(now))
        .execute(&mut *transaction)
        .await?;
        let change = FieldChange {
            field: indicator.to_owned(),
            before: None,
            after: Some(format!("{} sha256:{sha256}", checked.file_name)),
        };
        record_supplier_step(
            &mut transaction,
            actor,
            now,
            &campaign,
            &participant,
            AuditAction::SupplierEvidenceUploaded,
            change,
            false,
        )
        .await?;
        transaction.commit().await?;
        Ok(StoredEvidence {
            id,
            kind,
            file_name: checked.file_name,
            media_type: checked.media_type,
            size_bytes: checked.size_bytes,
            sha256,
            uploaded_at: now,
            decisions: Vec::new(),
        })
    }

    /// Submits the supplier's answer versions not yet submitted: they close to new evidence and become visible to
    /// the brand's reviewers.
    pub async fn submit_questionnaire(&self, actor: &Actor, participant_id: Uuid) -> Result<usize, AssessmentError> {
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let (campaign, participant, side) = visible_participant(&mut transaction, actor, participant_id).await?;
        if side != Side::Supplier {
            return Err(StoreError::NotFound.into());
        }
        actor.require(Permission::AnswerSupplierAssessments)?;
        let submitted = sqlx::query(
            "UPDATE supplier_answers SET submitted_at = $1 WHERE participant_id = $2 AND submitted_at IS NULL",
        )
        .bind(time_to_db(now))
        .bind(participant.id.to_string())
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        if submitted == 0 {
            return Err(CampaignProblem::NothingToSubmit.into());
        }
        sqlx::query("UPDATE supplier_campaign_participants SET submitted_at = $1 WHERE id = $2")
            .bind(time_to_db(now))
            .bind(participant.id.to_string())
            .execute(&mut *transaction)
            .await?;
        let change = FieldChange { field: "answers".into(), before: None, after: Some(submitted.to_string()) };
        record_supplier_step(
            &mut transaction,
            actor,
            now,
            &campaign,
            &participant,
            AuditAction::SupplierQuestionnaireSubmitted,
            change,
            true,
        )
        .await?;
        transaction.commit().await?;
        Ok(usize::try_from(submitted).map_err(anyhow::Error::from)?)
    }

    /// A reviewer of the campaign's brand accepts or rejects an evidence item of a submitted answer version. The
    /// answering organisation never decides (only the brand reaches this), and the domain refuses a reviewer who
    /// answered the indicator; a rejection needs a comment.
    pub async fn review_evidence(
        &self,
        actor: &Actor,
        participant_id: Uuid,
        evidence_id: Uuid,
        verdict: Verdict,
    ) -> Result<(), AssessmentError> {
        let verdict = match verdict {
            Verdict::Accepted => Verdict::Accepted,
            Verdict::Rejected { comment } => {
                let comment = optional_single_line_text("comment", Some(&comment), 1000)?
                    .ok_or(CampaignProblem::RejectionWithoutComment)?;
                Verdict::Rejected { comment }
            }
        };
        let now = self.now();
        let mut transaction = self.pools.begin_write().await?;
        let (campaign, participant, side) = visible_participant(&mut transaction, actor, participant_id).await?;
        let answers = answers_in(&mut transaction, campaign.id, Some(participant.id))
            .await?
            .remove(&participant.id)
            .unwrap_or_default();
        let Some((answer, item)) = answers
            .iter()
            .flat_map(|answer| answer.evidence.iter().map(move |item| (answer, item)))
            .find(|(_, item)| item.id == evidence_id)
        else {
            return Err(StoreError::NotFound.into());
        };
        if side != Side::Brand {
            // The answering organisation may see its evidence but never decide on it.
            actor.require(Permission::ReviewSupplierEvidence)?;
            return Err(AssessmentError::Answer(AnswerError::SelfApproval { reviewer: actor.label.clone() }));
        }
        actor.require(Permission::ReviewSupplierEvidence)?;
        if answer.submitted_at.is_none() {
            return Err(StoreError::NotFound.into());
        }
        let framework = framework_of(&campaign)?;
        let mut sheet = replay(&framework, &answers)?;
        sheet
            .decide(Decision {
                indicator: answer.indicator.clone(),
                answer_version: answer.version,
                evidence_id: item.id.to_string(),
                reviewer: actor.user_id.to_string(),
                verdict: verdict.clone(),
            })
            .map_err(|error| match error {
                AnswerError::SelfApproval { .. } => {
                    AssessmentError::Answer(AnswerError::SelfApproval { reviewer: actor.label.clone() })
                }
                other => AssessmentError::Answer(other),
            })?;
        let (verdict_code, comment) = match &verdict {
            Verdict::Accepted => ("accepted", None),
            Verdict::Rejected { comment } => ("rejected", Some(comment.clone())),
        };
        sqlx::query(
            "INSERT INTO supplier_evidence_decisions (id, evidence_id, reviewer, verdict, comment, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id().to_string())
        .bind(item.id.to_string())
        .bind(actor.user_id.to_string())
        .bind(verdict_code)
        .bind(comment)
        .bind(time_to_db(now))
        .execute(&mut *transaction)
        .await?;
        let change = FieldChange {
            field: answer.indicator.clone(),
            before: None,
            after: Some(format!("{} {verdict_code}", item.file_name)),
        };
        record_supplier_step(
            &mut transaction,
            actor,
            now,
            &campaign,
            &participant,
            AuditAction::SupplierEvidenceReviewed,
            change,
            true,
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// An evidence file's facts and content, for the supplier that uploaded it or the campaign's brand (once its
    /// answer version is submitted).
    pub async fn evidence_content(
        &self,
        actor: &Actor,
        participant_id: Uuid,
        evidence_id: Uuid,
    ) -> Result<(StoredEvidence, Vec<u8>), AssessmentError> {
        let mut connection = self.pools.reader.acquire().await?;
        let (campaign, participant, side) = visible_participant(&mut connection, actor, participant_id).await?;
        let answers = visible_to(
            side,
            answers_in(&mut connection, campaign.id, Some(participant.id))
                .await?
                .remove(&participant.id)
                .unwrap_or_default(),
        );
        let item = answers
            .iter()
            .flat_map(|answer| answer.evidence.iter())
            .find(|item| item.id == evidence_id)
            .cloned()
            .ok_or(StoreError::NotFound)?;
        let encoded: (String,) = sqlx::query_as("SELECT content_base64 FROM supplier_evidence WHERE id = $1")
            .bind(evidence_id.to_string())
            .fetch_one(&mut *connection)
            .await?;
        let content = base64::engine::general_purpose::STANDARD.decode(encoded.0).map_err(anyhow::Error::from)?;
        assert_eq!(hex(&Sha256::digest(&content)), item.sha256, "stored evidence content matches its digest");
        Ok((item, content))
    }

    /// The campaign's ranking (submitted answers, scored now) and grade distribution. The brand only.
    pub async fn campaign_results(&self, actor: &Actor, campaign_id: Uuid) -> Result<CampaignResults, AssessmentError> {
        actor.require(Permission::ViewSupplierLinks)?;
        let mut connection = self.pools.reader.acquire().await?;
        let campaign = campaign_in(&mut connection, campaign_id)
            .await?
            .filter(|campaign| campaign.brand_organisation_id == actor.organisation_id)
            .ok_or(StoreError::NotFound)?;
        let framework = framework_of(&campaign)?;
        let participants = participants_in(&mut connection, campaign_id).await?;
        let mut answers = answers_in(&mut connection, campaign_id, None).await?;
        let mut rows: Vec<RankingRow> = participants
            .into_iter()
            .map(|participant| {
                let visible = visible_to(Side::Brand, answers.remove(&participant.id).unwrap_or_default());
                let card = scorecard(&framework, &visible);
                let current: Vec<&StoredAnswer> = framework
                    .indicators()
                    .filter_map(|(_, indicator)| {
                        visible
                            .iter()
                            .filter(|answer| answer.indicator == indicator.id)
                            .max_by_key(|answer| answer.version)
                    })
                    .collect();
                let last_verdicts: Vec<Option<&Verdict>> = current
                    .iter()
                    .flat_map(|answer| answer.evidence.iter())
                    .map(|item| item.last_decision().map(|decision| &decision.verdict))
                    .collect();
                RankingRow {
                    rank: 0,
                    score: card.score,
                    max_score: card.max_score,
                    band_grade: card.band_grade.clone(),
                    grade: card.grade.clone(),
                    gates_lowering: card
                        .gates
                        .iter()
                        .filter(|gate| gate.lowered_grade)
                        .map(|gate| gate.gate.clone())
                        .collect(),
                    n_answered: current.len(),
                    n_evidence_accepted: last_verdicts
                        .iter()
                        .filter(|verdict| matches!(verdict, Some(Verdict::Accepted)))
                        .count(),
                    n_evidence_awaiting: last_verdicts.iter().filter(|verdict| verdict.is_none()).count(),
                    participant,
                }
            })
            .collect();
        rows.sort_by(|left, right| {
            right
                .score
                .total_cmp(&left.score)
                .then_with(|| left.participant.supplier_name.cmp(&right.participant.supplier_name))
        });
        for row_idx in 0..rows.len() {
            rows[row_idx].rank = if row_idx > 0 && rows[row_idx - 1].score == rows[row_idx].score {
                rows[row_idx - 1].rank
            } else {
                row_idx + 1
            };
        }
        let grade_distribution = framework
            .bands
            .iter()
            .map(|band| (band.grade.clone(), rows.iter().filter(|row| row.grade == band.grade).count()))
            .collect();
        Ok(CampaignResults { campaign, rows, grade_distribution })
    }
}

async fn insert_participant(
    transaction: &mut Transaction<'static, Any>,
    campaign_id: Uuid,
    supplier_name: &str,
    link_id: Option<SupplierLinkId>,
    invitation_id: Option<InvitationId>,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO supplier_campaign_participants (id, campaign_id, supplier_name, supplier_link_id, invitation_id, \
         added_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id().to_string())
    .bind(campaign_id.to_string())
    .bind(supplier_name)
    .bind(link_id.map(|id| id.to_string()))
    .bind(invitation_id.map(|id| id.to_string()))
    .bind(time_to_db(now))
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn organisation_name_in(connection: &mut AnyConnection, id: OrganisationId) -> Result<String, StoreError> {
    let row: (String,) = sqlx::query_as("SELECT name FROM organisations WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(&mut *connection)
        .await?;
    Ok(row.0)
}

/// Audits a questionnaire step on the actor's side, and on the other side too when `both_sides` (a submission, a
/// reopening, a decision: what the other side must be able to trace).
#[allow(clippy::too_many_arguments)]
async fn record_supplier_step(
    transaction: &mut Transaction<'static, Any>,
    actor: &Actor,
    now: Timestamp,
    campaign: &Campaign,
    participant: &Participant,
    action: AuditAction,
    change: FieldChange,
    both_sides: bool,
) -> Result<(), StoreError> {
    let object_id = participant.id.to_string();
    let mut sides: Vec<(OrganisationId, String)> = Vec::new();
    if let Some(supplier_id) = participant.supplier_organisation_id {
        sides.push((supplier_id, campaign.brand_name.clone()));
    }
    sides.push((campaign.brand_organisation_id, participant.supplier_name.clone()));
    for (organisation_id, label) in sides {
        if organisation_id != actor.organisation_id && !both_sides {
            continue;
        }
        audit::record(
            transaction,
            ChangedBy::Actor(actor),
            now,
            Entry {
                organisation_id,
                action,
                object_id: Some(object_id.clone()),
                object_label: &label,
                changes: vec![change.clone()],
            },
        )
        .await?;
    }
    Ok(())
}
