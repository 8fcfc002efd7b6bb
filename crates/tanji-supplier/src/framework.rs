//! Indicator frameworks: what a supplier is asked, how each answer is worth points, which evidence makes a claim
//! count, which answers cap the grade, and the grade bands. A framework is identified by id and version and never
//! changes once used: a scorecard names the version it was scored against, so it can be recomputed.
//!
//! Scoring arithmetic (see `scoring`): an indicator's fraction is its scored tier's points over its best tier's
//! points; an area's fraction is the weighted mean of its indicators' fractions (indicator weights are relative
//! within the area); the total is Σ area weight × area fraction, so area weights are points out of the framework's
//! maximum. Gates then cap the grade.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One version of a framework, as read from its TOML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Stable id, e.g. `factory-carbon-management`.
    pub id: String,
    /// Version number, from 1; a changed framework is a new version.
    pub version: u32,
    pub name_zh: String,
    pub name_en: String,
    /// Who designed the points and weights, and on what (tanji's own design for the bundled framework).
    pub design_note: String,
    /// The maximum total score; area weights must add up to it.
    pub max_score: f64,
    /// The documents tiers are modelled on.
    #[serde(default, rename = "source")]
    pub sources: Vec<Source>,
    #[serde(rename = "area")]
    pub areas: Vec<Area>,
    #[serde(default, rename = "gate")]
    pub gates: Vec<Gate>,
    /// Grade bands, best grade first.
    #[serde(rename = "band")]
    pub bands: Vec<GradeBand>,
}

/// A document a tier is modelled on, with what could be verified of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub publisher: String,
    pub document: String,
    /// Edition or version as published; `unverified` where it could not be confirmed.
    pub version: String,
    /// `verified: …` with what was checked and how, or `unverified: …` with what is not known.
    pub verification: String,
}

/// A group of indicators with its weight (points out of the framework's maximum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub weight: f64,
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

/// One question with its tiered answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Relative weight within its area.
    pub weight: f64,
    #[serde(rename = "tier")]
    pub tiers: Vec<Tier>,
}

/// One possible answer to an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    pub level: TierLevel,
    pub points: f64,
    pub label_zh: String,
    pub label_en: String,
    /// Evidence kinds a reviewer must have accepted (one item of each) before this tier scores.
    #[serde(default)]
    pub evidence: Vec<EvidenceKind>,
    /// Ids of the `Source`s this tier is modelled on.
    #[serde(default)]
    pub modelled_on: Vec<String>,
    /// Where in those sources, and what was not verified.
    #[serde(default)]
    pub basis: String,
}

/// How complete an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierLevel {
    Full,
    Partial,
    None,
}

/// What a piece of evidence is. A closed list, so that every kind has its name in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum EvidenceKind {
    /// A management document: organisation chart, appointment letter, policy signed by management.
    ManagementDocument,
    /// A management-system certificate (ISO 50001, ISO 14001, ISO 14064-1 system) from an accredited body.
    SystemCertificate,
    /// The organisation's GHG inventory report (ISO 14064-1 or a China sector guideline).
    InventoryReport,
    /// A verification statement or opinion of an independent body (碳排放核查报告 / 核查声明).
    VerificationStatement,
    /// A product carbon footprint report or a PACT/ISO 14067 data set.
    FootprintReport,
    /// The allocation of emissions to customers with its basis (CDP SC1.1 style).
    AllocationRecord,
    /// A reduction target approved by management, with base year and scope.
    TargetDocument,
    /// SBTi's validation letter or the company's entry on the SBTi target dashboard.
    SbtiValidation,
    /// Emissions records by year showing progress against the target.
    PerformanceRecord,
    /// Electricity bills, meter data or generation records (rooftop PV).
    EnergyRecord,
    /// Green electricity certificates (绿证), green-power trading or PPA contracts.
    GreenCertificate,
    /// Emissions-trading compliance: allowance surrender (履约) records.
    EtsComplianceRecord,
    /// CCER or other offset registrations and retirements.
    OffsetRecord,
    /// A reduction project with its measured before/after figures (e.g. tanji's energy findings).
    ProjectRecord,
    /// Environmental permits and a search of public violation records (e.g. IPE 蔚蓝地图).
    ComplianceRecord,
    /// Correction of a violation confirmed by the authority (整改销号).
    RectificationRecord,
    /// A public disclosure: CDP response, ESG report, published inventory.
    Disclosure,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 17] = [
        EvidenceKind::ManagementDocument,
        EvidenceKind::SystemCertificate,
        EvidenceKind::InventoryReport,
        EvidenceKind::VerificationStatement,
        EvidenceKind::FootprintReport,
        EvidenceKind::AllocationRecord,
        EvidenceKind::TargetDocument,
        EvidenceKind::SbtiValidation,
        EvidenceKind::PerformanceRecord,
        EvidenceKind::EnergyRecord,
        EvidenceKind::GreenCertificate,
        EvidenceKind::EtsComplianceRecord,
        EvidenceKind::OffsetRecord,
        EvidenceKind::ProjectRecord,
        EvidenceKind::ComplianceRecord,
        EvidenceKind::RectificationRecord,
        EvidenceKind::Disclosure,
    ];
}

/// A rule that caps the grade when an indicator scores one of the named tiers, whatever the points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub indicator: String,
    /// The scored tiers that trigger the gate.
    pub when_tiers: Vec<String>,
    /// The best grade a supplier can get while the gate is triggered.
    pub cap_grade: String,
    #[serde(default)]
    pub basis: String,
}

/// A grade and the lowest score that earns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub grade: String,
    pub min_score: f64,
}

/// What is wrong with a framework, as a code with the place it is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
// Not `non_exhaustive`: tanji-i18n matches every code, so a new one without its texts does not compile.
pub enum FrameworkProblem {
    /// The TOML could not be read (syntax, a missing or unknown key, a wrong type): the line, when known, and the
    /// TOML reader's own (English) description.
    #[error("framework file, line {line:?}: {detail}")]
    Syntax { line: Option<usize>, detail: String },
    /// The version is 0.
    #[error("version must be 1 or more")]
    VersionZero,
    /// Two areas, indicators (across areas), tiers of one indicator, sources or gates share an id.
    #[error("duplicate id {id}")]
    DuplicateId { id: String },
    /// An id is empty or has characters other than `a-z`, `0-9`, `-` and `_`.
    #[error("bad id {id:?}")]
    BadId { id: String },
    /// The maximum score is not a positive finite number.
    #[error("maximum score {max_score} must be positive")]
    MaxScoreNotPositive { max_score: f64 },
    /// Area weights do not add up to the maximum score.
    #[error("area weights sum to {sum}, not {max_score}")]
    AreaWeightsDoNotSum { sum: f64, max_score: f64 },
    /// An area or indicator weight is not positive and finite.
    #[error("weight of {id} is {weight}")]
    WeightNotPositive { id: String, weight: f64 },
    /// An area has no indicators.
    #[error("area {area} has no indicators")]
    EmptyArea { area: String },
    /// An indicator has no tier of the given level (every indicator needs a full and a none tier).
    #[error("indicator {indicator} has no {level:?} tier")]
    MissingTierLevel { indicator: String, level: TierLevel },
    /// Tier points are negative or not finite.
    #[error("tier {indicator}/{tier} has points {points}")]
    PointsInvalid { indicator: String, tier: String, points: f64 },
    /// Tier points do not follow the levels: full must have the most points, none 0, partial in between.
    #[error("tier {indicator}/{tier} has points out of order for its level")]
    PointsOutOfOrder { indicator: String, tier: String },
    /// A tier names a source that is not listed.
    #[error("tier {indicator}/{tier} names unknown source {source_id}")]
    UnknownSource { indicator: String, tier: String, source_id: String },
    /// A gate names an indicator that does not exist.
    #[error("gate {gate} names unknown indicator {indicator}")]
    UnknownIndicator { gate: String, indicator: String },
    /// A gate names a tier its indicator does not have.
    #[error("gate {gate} names unknown tier {tier}")]
    UnknownTier { gate: String, tier: String },
    /// A gate caps to a grade that has no band.
    #[error("gate {gate} caps to unknown grade {grade}")]
    UnknownGrade { gate: String, grade: String },
    /// There are no grade bands.
    #[error("no grade bands")]
    NoBands,
    /// Bands are not listed best first with strictly falling lower bounds.
    #[error("band {grade} is out of order")]
    BandsOutOfOrder { grade: String },
    /// The worst band does not start at 0, so some scores get no grade.
    #[error("lowest band starts at {min_score}, not 0")]
    BandsDoNotCoverZero { min_score: f64 },
    /// A band starts above the maximum score, so it can never be reached.
    #[error("band {grade} starts at {min_score}, above the maximum {max_score}")]
    BandAboveMaximum { grade: String, min_score: f64, max_score: f64 },
    /// A name or label is empty in one language (`field` is the key, e.g. `label_zh`): every text a person reads
    /// must exist in both.
    #[error("{id}: {field} is empty")]
    EmptyText { id: String, field: String },
    /// Two bands share a grade.
    #[error("duplicate grade {grade}")]
    DuplicateGrade { grade: String },
}

/// How close to equal two weight sums must be (weights are written with a few decimals in TOML).
const WEIGHT_TOLERANCE: f64 = 1e-6;

impl Framework {
    /// Reads and checks a framework file; every problem found is returned, not only the first.
    pub fn from_toml(text: &str) -> Result<Framework, Vec<FrameworkProblem>> {
        let framework: Framework = toml::from_str(text).map_err(|error| {
            let line =
                error.span().and_then(|span| text.get(..span.start)).map(|before| before.matches('\n').count() + 1);
            vec![FrameworkProblem::Syntax { line, detail: error.message().to_owned() }]
        })?;
        let problems = framework.problems();
        if problems.is_empty() { Ok(framework) } else { Err(problems) }
    }

    /// Every problem of this framework; empty when it can be scored against.
    pub fn problems(&self) -> Vec<FrameworkProblem> {
        let mut problems = Vec::new();
        if self.version == 0 {
            problems.push(FrameworkProblem::VersionZero);
        }
        check_id(&self.id, &mut problems);
        check_texts(&self.id, &[("name_zh", &self.name_zh), ("name_en", &self.name_en)], &mut problems);
        if !(self.max_score.is_finite() && self.max_score > 0.0) {
            problems.push(FrameworkProblem::MaxScoreNotPositive { max_score: self.max_score });
        }
        let mut source_ids = BTreeSet::new();
        for source in &self.sources {
            check_id(&source.id, &mut problems);
            if !source_ids.insert(source.id.as_str()) {
                problems.push(FrameworkProblem::DuplicateId { id: source.id.clone() });
            }
        }
        let mut area_ids = BTreeSet::new();
        let mut indicator_ids = BTreeSet::new();
        for area in &self.areas {
            check_id(&area.id, &mut problems);
            if !area_ids.insert(area.id.as_str()) {
                problems.push(FrameworkProblem::DuplicateId { id: area.id.clone() });
            }
            check_weight(&area.id, area.weight, &mut problems);
            check_texts(&area.id, &[("name_zh", &area.name_zh), ("name_en", &area.name_en)], &mut problems);
            if area.indicators.is_empty() {
                problems.push(FrameworkProblem::EmptyArea { area: area.id.clone() });
            }
            for indicator in &area.indicators {
                check_id(&indicator.id, &mut problems);
                if !indicator_ids.insert(indicator.id.as_str()) {
                    problems.push(FrameworkProblem::DuplicateId { id: indicator.id.clone() });
                }
                check_weight(&indicator.id, indicator.weight, &mut problems);
                check_texts(
                    &indicator.id,
                    &[("name_zh", &indicator.name_zh), ("name_en", &indicator.name_en)],
                    &mut problems,
                );
                check_tiers(indicator, &source_ids, &mut problems);
            }
        }
        let sum: f64 = self.areas.iter().map(|area| area.weight).sum();
        if self.max_score.is_finite() && (sum - self.max_score).abs() > WEIGHT_TOLERANCE {
            problems.push(FrameworkProblem::AreaWeightsDoNotSum { sum, max_score: self.max_score });
        }
        self.check_bands(&mut problems);
        let mut gate_ids = BTreeSet::new();
        for gate in &self.gates {
            check_id(&gate.id, &mut problems);
            check_texts(&gate.id, &[("name_zh", &gate.name_zh), ("name_en", &gate.name_en)], &mut problems);
            if !gate_ids.insert(gate.id.as_str()) {
                problems.push(FrameworkProblem::DuplicateId { id: gate.id.clone() });
            }
            match self.indicator(&gate.indicator) {
                None => problems.push(FrameworkProblem::UnknownIndicator {
                    gate: gate.id.clone(),
                    indicator: gate.indicator.clone(),
                }),
                Some(indicator) => {
                    for tier in &gate.when_tiers {
                        if indicator.tier(tier).is_none() {
                            problems.push(FrameworkProblem::UnknownTier { gate: gate.id.clone(), tier: tier.clone() });
                        }
                    }
                }
            }
            if self.grade_rank(&gate.cap_grade).is_none() {
                problems.push(FrameworkProblem::UnknownGrade { gate: gate.id.clone(), grade: gate.cap_grade.clone() });
            }
        }
        problems
    }

    fn check_bands(&self, problems: &mut Vec<FrameworkProblem>) {
        let Some(lowest) = self.bands.last() else {
            problems.push(FrameworkProblem::NoBands);
            return;
        };
        let mut grades = BTreeSet::new();
        for (band_idx, band) in self.bands.iter().enumerate() {
            if !grades.insert(band.grade.as_str()) {
                problems.push(FrameworkProblem::DuplicateGrade { grade: band.grade.clone() });
            }
            let falls = band_idx == 0 || band.min_score < self.bands[band_idx - 1].min_score;
            if !falls || !band.min_score.is_finite() {
                problems.push(FrameworkProblem::BandsOutOfOrder { grade: band.grade.clone() });
            }
            if band.min_score > self.max_score {
                problems.push(FrameworkProblem::BandAboveMaximum {
                    grade: band.grade.clone(),
                    min_score: band.min_score,
                    max_score: self.max_score,
                });
            }
        }
        if lowest.min_score != 0.0 {
            problems.push(FrameworkProblem::BandsDoNotCoverZero { min_score: lowest.min_score });
        }
    }

    pub fn indicators(&self) -> impl Iterator<Item = (&Area, &Indicator)> {
        self.areas.iter().flat_map(|area| area.indicators.iter().map(move |indicator| (area, indicator)))
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators().map(|(_, indicator)| indicator).find(|indicator| indicator.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|source| source.id == id)
    }

    /// 0 for the best grade, larger for worse ones.
    pub fn grade_rank(&self, grade: &str) -> Option<usize> {
        self.bands.iter().position(|band| band.grade == grade)
    }

    /// The grade of a score by the bands alone (before gates). Scores below 0 get the worst grade.
    pub fn band_grade(&self, score: f64) -> &str {
        self.bands
            .iter()
            .find(|band| score >= band.min_score)
            .or(self.bands.last())
            .map(|band| band.grade.as_str())
            .unwrap_or_default()
    }
}

impl Indicator {
    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|tier| tier.id == id)
    }

    /// The most points any tier gives (the full tier's, in a checked framework).
    pub fn max_points(&self) -> f64 {
        self.tiers.iter().map(|tier| tier.points).fold(0.0, f64::max)
    }
}

fn check_id(id: &str, problems: &mut Vec<FrameworkProblem>) {
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || "-_".contains(character));
    if !well_formed {
        problems.push(FrameworkProblem::BadId { id: id.to_owned() });
    }
}

fn check_texts(id: &str, texts: &[(&str, &String)], problems: &mut Vec<FrameworkProblem>) {
    for (field, text) in texts {
        if text.trim().is_empty() {
            problems.push(FrameworkProblem::EmptyText { id: id.to_owned(), field: (*field).to_owned() });
        }
    }
}

fn check_weight(id: &str, weight: f64, problems: &mut Vec<FrameworkProblem>) {
    if !(weight.is_finite() && weight > 0.0) {
        problems.push(FrameworkProblem::WeightNotPositive { id: id.to_owned(), weight });
    }
}

fn check_tiers(indicator: &Indicator, source_ids: &BTreeSet<&str>, problems: &mut Vec<FrameworkProblem>) {
    let mut tier_ids = BTreeSet::new();
    for level in [TierLevel::Full, TierLevel::None] {
        if !indicator.tiers.iter().any(|tier| tier.level == level) {
            problems.push(FrameworkProblem::MissingTierLevel { indicator: indicator.id.clone(), level });
        }
    }
    let full_points = indicator
        .tiers
        .iter()
        .filter(|tier| tier.level == TierLevel::Full)
        .map(|tier| tier.points)
        .fold(f64::NAN, f64::min);
    for tier in &indicator.tiers {
        check_id(&tier.id, problems);
        let tier_path = format!("{}/{}", indicator.id, tier.id);
        check_texts(&tier_path, &[("label_zh", &tier.label_zh), ("label_en", &tier.label_en)], problems);
        if !tier_ids.insert(tier.id.as_str()) {
            problems.push(FrameworkProblem::DuplicateId { id: format!("{}/{}", indicator.id, tier.id) });
        }
        if !(tier.points.is_finite() && tier.points >= 0.0) {
            problems.push(FrameworkProblem::PointsInvalid {
                indicator: indicator.id.clone(),
                tier: tier.id.clone(),
                points: tier.points,
            });
            continue;
        }
        let in_order = match tier.level {
            TierLevel::Full => tier.points > 0.0 && tier.points >= indicator.max_points(),
            TierLevel::Partial => tier.points > 0.0 && (full_points.is_nan() || tier.points < full_points),
            TierLevel::None => tier.points == 0.0,
        };
        if !in_order {
            problems
                .push(FrameworkProblem::PointsOutOfOrder { indicator: indicator.id.clone(), tier: tier.id.clone() });
        }
        for source_id in &tier.modelled_on {
            if !source_ids.contains(source_id.as_str()) {
                problems.push(FrameworkProblem::UnknownSource {
                    indicator: indicator.id.clone(),
                    tier: tier.id.clone(),
                    source_id: source_id.clone(),
                });
            }
        }
    }
}
