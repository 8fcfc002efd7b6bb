//! Answers, reviewers' decisions on evidence, and the scorecard: a pure function of (framework version, answers,
//! decisions) that explains every point.
//!
//! The rules (modelled on EcoVadis's evidence-based scoring and CDP's practice that a claim earns credit only with
//! support): a tier scores only when, for each evidence kind it requires, at least one item of that kind attached to
//! the answer's current version was accepted by a reviewer who is not the person who answered (no self-approval).
//! A claimed tier that is not supported falls back to the best lower tier whose evidence is accepted (the none tier
//! needs none), so a rejected certificate costs the difference and no more. Reopening an answer makes a new version:
//! decisions on earlier versions' evidence no longer count. The last decision on an item counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::framework::{EvidenceKind, Framework, Indicator, TierLevel};

/// One piece of evidence attached to an answer (the file itself is the adapter's; here its id and kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: String,
    pub kind: EvidenceKind,
}

/// A supplier's answer to one indicator, in one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub indicator: String,
    /// 1 for the first answer; each reopening adds one.
    pub version: u32,
    pub tier: String,
    /// The person who answered (a member id as the adapter knows it).
    pub answered_by: String,
    pub evidence: Vec<Evidence>,
}

/// A reviewer's decision on one evidence item of one answer version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub indicator: String,
    pub answer_version: u32,
    pub evidence_id: String,
    pub reviewer: String,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    Rejected { comment: String },
}

/// Why an answer or a decision was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum AnswerError {
    /// The framework has no such indicator.
    #[error("unknown indicator {indicator}")]
    UnknownIndicator { indicator: String },
    /// The indicator has no such tier.
    #[error("indicator {indicator} has no tier {tier}")]
    UnknownTier { indicator: String, tier: String },
    /// Two evidence items of one answer share an id.
    #[error("duplicate evidence id {evidence_id}")]
    DuplicateEvidence { evidence_id: String },
    /// The indicator was already answered; reopen it to answer again.
    #[error("indicator {indicator} is already answered; reopen it first")]
    AlreadyAnswered { indicator: String },
    /// Reopening an indicator that has no answer.
    #[error("indicator {indicator} has no answer to reopen")]
    NothingToReopen { indicator: String },
    /// The decision names an answer version or evidence item that does not exist, or an earlier version.
    #[error("no evidence {evidence_id} on version {answer_version} of {indicator}")]
    UnknownEvidence { indicator: String, answer_version: u32, evidence_id: String },
    /// The reviewer is the person who answered.
    #[error("{reviewer} answered this indicator and cannot review its evidence")]
    SelfApproval { reviewer: String },
}

/// One supplier's answers to one framework version: every version of every answer, and the decisions on them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnswerSheet {
    /// Per indicator, its versions in order; `open` when the last one may be answered again.
    answers: BTreeMap<String, Vec<Answer>>,
    reopened: BTreeMap<String, bool>,
    decisions: Vec<Decision>,
}

impl AnswerSheet {
    pub fn new() -> AnswerSheet {
        AnswerSheet::default()
    }

    /// Records an answer; the version is assigned here (1, or one more than the reopened one).
    pub fn answer(
        &mut self,
        framework: &Framework,
        indicator: &str,
        tier: &str,
        answered_by: &str,
        evidence: Vec<Evidence>,
    ) -> Result<u32, AnswerError> {
        let found = framework
            .indicator(indicator)
            .ok_or_else(|| AnswerError::UnknownIndicator { indicator: indicator.to_owned() })?;
        if found.tier(tier).is_none() {
            return Err(AnswerError::UnknownTier { indicator: indicator.to_owned(), tier: tier.to_owned() });
        }
        for (item_idx, item) in evidence.iter().enumerate() {
            if evidence[..item_idx].iter().any(|earlier| earlier.id == item.id) {
                return Err(AnswerError::DuplicateEvidence { evidence_id: item.id.clone() });
            }
        }
        let versions = self.answers.entry(indicator.to_owned()).or_default();
        let reopened = self.reopened.get(indicator).copied().unwrap_or(false);
        if !versions.is_empty() && !reopened {
            return Err(AnswerError::AlreadyAnswered { indicator: indicator.to_owned() });
        }
        let version = versions.last().map_or(1, |last| last.version + 1);
        versions.push(Answer {
            indicator: indicator.to_owned(),
            version,
            tier: tier.to_owned(),
            answered_by: answered_by.to_owned(),
            evidence,
        });
        self.reopened.insert(indicator.to_owned(), false);
        Ok(version)
    }

    /// Opens an answered indicator for a new answer version; the current version stays until it is replaced.
    pub fn reopen(&mut self, indicator: &str) -> Result<(), AnswerError> {
        if self.answers.get(indicator).is_none_or(Vec::is_empty) {
            return Err(AnswerError::NothingToReopen { indicator: indicator.to_owned() });
        }
        self.reopened.insert(indicator.to_owned(), true);
        Ok(())
    }

    /// Records a reviewer's decision on evidence of the current answer version, refusing self-approval.
    pub fn decide(&mut self, decision: Decision) -> Result<(), AnswerError> {
        let unknown = || AnswerError::UnknownEvidence {
            indicator: decision.indicator.clone(),
            answer_version: decision.answer_version,
            evidence_id: decision.evidence_id.clone(),
        };
        let current = self.current(&decision.indicator).ok_or_else(unknown)?;
        if current.version != decision.answer_version
            || !current.evidence.iter().any(|item| item.id == decision.evidence_id)
        {
            return Err(unknown());
        }
        if current.answered_by == decision.reviewer {
            return Err(AnswerError::SelfApproval { reviewer: decision.reviewer });
        }
        self.decisions.push(decision);
        Ok(())
    }

    /// The latest answer version of an indicator.
    pub fn current(&self, indicator: &str) -> Option<&Answer> {
        self.answers.get(indicator).and_then(|versions| versions.last())
    }

    /// Every version of an indicator's answer, oldest first.
    pub fn history(&self, indicator: &str) -> &[Answer] {
        self.answers.get(indicator).map_or(&[], Vec::as_slice)
    }

    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// The current answers, for `score`.
    pub fn current_answers(&self) -> Vec<Answer> {
        self.answers.values().filter_map(|versions| versions.last().cloned()).collect()
    }
}

/// The result of scoring: totals, grade, and every indicator's explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub framework_id: String,
    pub framework_version: u32,
    pub score: f64,
    pub max_score: f64,
    /// The grade by the bands alone.
    pub band_grade: String,
    /// The grade after gates.
    pub grade: String,
    pub gates: Vec<GateOutcome>,
    pub areas: Vec<AreaScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaScore {
    pub area: String,
    pub weight: f64,
    /// Σ indicator weight × fraction / Σ indicator weight, 0..=1.
    pub fraction: f64,
    /// weight × fraction: this area's points in the total.
    pub points: f64,
    pub indicators: Vec<IndicatorScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub indicator: String,
    pub weight: f64,
    pub answer_version: Option<u32>,
    pub claimed_tier: Option<String>,
    pub scored_tier: String,
    pub tier_points: f64,
    pub max_points: f64,
    /// This indicator's points in the total: area weight × indicator weight / Σ weights × tier/max points.
    pub points: f64,
    pub outcome: ScoreOutcome,
    /// For the claimed tier, each required kind and what was found for it.
    pub evidence: Vec<EvidenceCheck>,
}

/// How an indicator's tier was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ScoreOutcome {
    /// Not answered: the none tier scores.
    Unanswered,
    /// The claimed tier needed no evidence.
    CreditedWithoutEvidence,
    /// The claimed tier's evidence was accepted.
    CreditedWithEvidence,
    /// The claimed tier's evidence was not all accepted; a lower tier scored.
    FellBack { claimed: String, scored: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceCheck {
    pub kind: EvidenceKind,
    pub status: EvidenceStatus,
}

/// What was found for one required evidence kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EvidenceStatus {
    Accepted {
        evidence_id: String,
        reviewer: String,
    },
    Rejected {
        evidence_id: String,
        reviewer: String,
        comment: String,
    },
    AwaitingReview {
        evidence_id: String,
    },
    /// Only the answerer "accepted" it: ignored.
    SelfApprovalIgnored {
        evidence_id: String,
    },
    /// No item of this kind was attached.
    Missing,
}

impl EvidenceStatus {
    fn is_accepted(&self) -> bool {
        matches!(self, EvidenceStatus::Accepted { .. })
    }

    /// Which status to report when several items of one kind were attached: accepted first, then what the
    /// supplier can act on.
    fn rank(&self) -> u8 {
        match self {
            EvidenceStatus::Accepted { .. } => 0,
            EvidenceStatus::Rejected { .. } => 1,
            EvidenceStatus::AwaitingReview { .. } => 2,
            EvidenceStatus::SelfApprovalIgnored { .. } => 3,
            EvidenceStatus::Missing => 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateOutcome {
    pub gate: String,
    pub indicator: String,
    pub scored_tier: String,
    pub cap_grade: String,
    /// Whether the cap lowered the grade (false when the band grade was already at or below it).
    pub lowered_grade: bool,
}

/// Scores `answers` (the current version per indicator; others are ignored) against `framework` with the
/// reviewers' `decisions`. The framework must be checked (`Framework::problems` empty).
pub fn score(framework: &Framework, answers: &[Answer], decisions: &[Decision]) -> Scorecard {
    let mut areas = Vec::new();
    for area in &framework.areas {
        let weight_sum: f64 = area.indicators.iter().map(|indicator| indicator.weight).sum();
        let mut indicators = Vec::new();
        let mut weighted = 0.0;
        for indicator in &area.indicators {
            let answer =
                answers.iter().filter(|answer| answer.indicator == indicator.id).max_by_key(|answer| answer.version);
            let mut scored = score_indicator(indicator, answer, decisions);
            let fraction = if scored.max_points > 0.0 { scored.tier_points / scored.max_points } else { 0.0 };
            weighted += indicator.weight * fraction;
            scored.points = area.weight * indicator.weight / weight_sum * fraction;
            indicators.push(scored);
        }
        let fraction = if weight_sum > 0.0 { weighted / weight_sum } else { 0.0 };
        areas.push(AreaScore {
            area: area.id.clone(),
            weight: area.weight,
            fraction,
            points: area.weight * fraction,
            indicators,
        });
    }
    let score: f64 = areas.iter().map(|area| area.points).sum();
    let band_grade = framework.band_grade(score).to_owned();
    let mut grade = band_grade.clone();
    let mut gates = Vec::new();
    for gate in &framework.gates {
        let Some(scored) =
            areas.iter().flat_map(|area| &area.indicators).find(|scored| scored.indicator == gate.indicator)
        else {
            continue;
        };
        if !gate.when_tiers.contains(&scored.scored_tier) {
            continue;
        }
        let cap_rank = framework.grade_rank(&gate.cap_grade).unwrap_or(usize::MAX);
        let current_rank = framework.grade_rank(&grade).unwrap_or(usize::MAX);
        let lowered_grade = cap_rank > current_rank;
        if lowered_grade {
            grade = gate.cap_grade.clone();
        }
        gates.push(GateOutcome {
            gate: gate.id.clone(),
            indicator: gate.indicator.clone(),
            scored_tier: scored.scored_tier.clone(),
            cap_grade: gate.cap_grade.clone(),
            lowered_grade,
        });
    }
    Scorecard {
        framework_id: framework.id.clone(),
        framework_version: framework.version,
        score,
        max_score: framework.max_score,
        band_grade,
        grade,
        gates,
        areas,
    }
}

fn score_indicator(indicator: &Indicator, answer: Option<&Answer>, decisions: &[Decision]) -> IndicatorScore {
    let max_points = indicator.max_points();
    // The first none-level tier is what an unanswered or unsupported indicator scores.
    let none_tier = indicator
        .tiers
        .iter()
        .find(|tier| tier.level == TierLevel::None)
        .expect("a checked framework has a none tier for every indicator");
    let unanswered = IndicatorScore {
        indicator: indicator.id.clone(),
        weight: indicator.weight,
        answer_version: None,
        claimed_tier: None,
        scored_tier: none_tier.id.clone(),
        tier_points: none_tier.points,
        max_points,
        points: 0.0,
        outcome: ScoreOutcome::Unanswered,
        evidence: Vec::new(),
    };
    let Some(answer) = answer else { return unanswered };
    let Some(claimed) = indicator.tier(&answer.tier) else { return unanswered };
    let status_of = |kind: EvidenceKind| -> EvidenceStatus {
        answer
            .evidence
            .iter()
            .filter(|item| item.kind == kind)
            .map(|item| item_status(answer, item, decisions))
            .min_by_key(EvidenceStatus::rank)
            .unwrap_or(EvidenceStatus::Missing)
    };
    let supported = |kinds: &[EvidenceKind]| kinds.iter().all(|kind| status_of(*kind).is_accepted());
    let evidence: Vec<EvidenceCheck> =
        claimed.evidence.iter().map(|kind| EvidenceCheck { kind: *kind, status: status_of(*kind) }).collect();
    let (scored, outcome) = if supported(&claimed.evidence) {
        let outcome = if claimed.evidence.is_empty() {
            ScoreOutcome::CreditedWithoutEvidence
        } else {
            ScoreOutcome::CreditedWithEvidence
        };
        (claimed, outcome)
    } else {
        let fallback = indicator
            .tiers
            .iter()
            .filter(|tier| {
                // A none-level tier is reached only as the indicator's first none tier, never as a fallback, so a
                // gate tier such as "compliance missed" scores only when the supplier chose it.
                tier.level != TierLevel::None && tier.points < claimed.points && supported(&tier.evidence)
            })
            .max_by(|left, right| left.points.total_cmp(&right.points))
            .unwrap_or(none_tier);
        (fallback, ScoreOutcome::FellBack { claimed: claimed.id.clone(), scored: fallback.id.clone() })
    };
    IndicatorScore {
        indicator: indicator.id.clone(),
        weight: indicator.weight,
        answer_version: Some(answer.version),
        claimed_tier: Some(claimed.id.clone()),
        scored_tier: scored.id.clone(),
        tier_points: scored.points,
        max_points,
        points: 0.0,
        outcome,
        evidence,
    }
}

/// The last decision on `item` of this answer version by someone other than the answerer.
fn item_status(answer: &Answer, item: &Evidence, decisions: &[Decision]) -> EvidenceStatus {
    let on_item = |decision: &&Decision| {
        decision.indicator == answer.indicator
            && decision.answer_version == answer.version
            && decision.evidence_id == item.id
    };
    let independent = decisions.iter().filter(on_item).rfind(|decision| decision.reviewer != answer.answered_by);
    match independent {
        Some(decision) => match &decision.verdict {
            Verdict::Accepted => {
                EvidenceStatus::Accepted { evidence_id: item.id.clone(), reviewer: decision.reviewer.clone() }
            }
            Verdict::Rejected { comment } => EvidenceStatus::Rejected {
                evidence_id: item.id.clone(),
                reviewer: decision.reviewer.clone(),
                comment: comment.clone(),
            },
        },
        None if decisions.iter().any(|decision| on_item(&decision)) => {
            EvidenceStatus::SelfApprovalIgnored { evidence_id: item.id.clone() }
        }
        None => EvidenceStatus::AwaitingReview { evidence_id: item.id.clone() },
    }
}

/// Where a supplier can gain points: an indicator below its best tier, the next tier up and what it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    pub indicator: String,
    pub scored_tier: String,
    /// The tier with the fewest points above the scored one (the next step).
    pub next_tier: String,
    /// Points in the total that reaching the next tier adds.
    pub points_to_next_tier: f64,
    /// Points in the total that reaching the best tier adds.
    pub points_to_best_tier: f64,
    /// The evidence kinds the next tier requires.
    pub evidence_needed: Vec<EvidenceKind>,
}

impl Scorecard {
    /// The indicators below their best tier, most points to gain first (ties in framework order): the list a
    /// brand and a supplier agree improvement actions from. `framework` must be the version scored against.
    pub fn gaps(&self, framework: &Framework) -> Vec<Gap> {
        let mut gaps = Vec::new();
        for area in &self.areas {
            let Some(framework_area) = framework.areas.iter().find(|candidate| candidate.id == area.area) else {
                continue;
            };
            let weight_sum: f64 = framework_area.indicators.iter().map(|indicator| indicator.weight).sum();
            for scored in &area.indicators {
                let Some(indicator) = framework.indicator(&scored.indicator) else { continue };
                if scored.max_points <= 0.0 || scored.tier_points >= scored.max_points {
                    continue;
                }
                let points_per_tier_point = area.weight * indicator.weight / weight_sum / scored.max_points;
                let Some(next) = indicator
                    .tiers
                    .iter()
                    .filter(|tier| tier.points > scored.tier_points)
                    .min_by(|left, right| left.points.total_cmp(&right.points))
                else {
                    continue;
                };
                gaps.push(Gap {
                    indicator: indicator.id.clone(),
                    scored_tier: scored.scored_tier.clone(),
                    next_tier: next.id.clone(),
                    points_to_next_tier: (next.points - scored.tier_points) * points_per_tier_point,
                    points_to_best_tier: (scored.max_points - scored.tier_points) * points_per_tier_point,
                    evidence_needed: next.evidence.clone(),
                });
            }
        }
        gaps.sort_by(|left, right| right.points_to_best_tier.total_cmp(&left.points_to_best_tier));
        gaps
    }
}
