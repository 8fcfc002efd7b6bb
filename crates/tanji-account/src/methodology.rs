//! Methodologies (方法学): how a behaviour's reduction is computed, by whom it was reviewed, and which version credits
//! points on a given day.
//!
//! A `MethodologyVersion` holds a `Formula` with its parameters and the `Citation` of the scheme or standard they
//! come from. Its `ReviewStatus` moves draft → expert review → public notice for N working days → approved →
//! retired; each move is a method that checks the move is allowed and returns a typed `ReviewError` otherwise.
//! Only an approved version whose effective date has come (and that is not retired) credits points
//! (`MethodologyRegistry::crediting_version`), and a credit records the version it used.
//!
//! No figure is built in except those with a published source: `published` holds Shenzhen's public-transport
//! figures; every other parameter is the operator's, entered with its citation.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// A methodology's number in the operator's registry (stable across its versions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MethodologyId(pub u32);

/// One version of one methodology: the pair every credit records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MethodologyVersionKey {
    pub methodology_id: MethodologyId,
    pub version: u32,
}

impl MethodologyVersionKey {
    /// The key packed into a ledger transfer's `user_data_128` high bits (id << 32 | version).
    pub fn packed(self) -> u64 {
        (u64::from(self.methodology_id.0) << 32) | u64::from(self.version)
    }

    /// The inverse of `packed`.
    pub fn unpack(packed: u64) -> Self {
        MethodologyVersionKey {
            methodology_id: MethodologyId((packed >> 32) as u32),
            version: (packed & 0xFFFF_FFFF) as u32,
        }
    }
}

/// A share between 0 and 1 inclusive (a substitution rate).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct Fraction(f64);

impl Fraction {
    pub fn parse(value: f64) -> Result<Self, ParameterError> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Ok(Fraction(value))
        } else {
            Err(ParameterError::FractionOutOfRange { value })
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// Where a parameter or a formula comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// The title of the scheme, standard or methodology document.
    pub title: String,
    /// Who published it.
    pub publisher: String,
    pub version: Option<String>,
    pub year: Option<i16>,
    /// Where it applies (a city, a province, national).
    pub region: Option<String>,
    pub licence: Option<String>,
    pub url: Option<String>,
}

/// What one unit of a per-unit methodology counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityUnit {
    /// A food-delivery order without disposable cutlery.
    Order,
    /// One reuse of an express box.
    Reuse,
    /// A person-kilometre travelled (metro, bus, cycling).
    PersonKm,
}

/// How a reduction is computed from an event's activity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Formula {
    /// reduction = quantity × reduction per unit (no-cutlery order, reused box, metro or bus person-km).
    PerUnit { unit: ActivityUnit, reduction_per_unit_g_co2e: f64 },
    /// reduction = production-stage emissions of a new item of the category × new-product substitution rate ×
    /// items (China Circular Economy Association group standards, 2023).
    SecondHand { substitution_rate: Fraction, production_emissions_g_co2e_by_category: BTreeMap<String, f64> },
    /// reduction = max(0, seasonal baseline kWh − metered kWh) × grid factor. The household's baseline for the
    /// season (e.g. the same months of the previous year) comes with the event from the utility.
    ElectricityBelowBaseline { grid_factor_g_co2_per_kwh: f64 },
    /// reduction = max(0, baseline − footprint) × units, both per unit and taken from the product's published
    /// tanji carbon label.
    LabelledProduct,
}

impl Formula {
    fn validate(&self) -> Result<(), ParameterError> {
        let positive = |name: ParameterName, value: f64| {
            if value.is_finite() && value > 0.0 { Ok(()) } else { Err(ParameterError::NotPositive { name, value }) }
        };
        match self {
            Formula::PerUnit { reduction_per_unit_g_co2e, .. } => {
                positive(ParameterName::ReductionPerUnit, *reduction_per_unit_g_co2e)
            }
            Formula::SecondHand { production_emissions_g_co2e_by_category, .. } => {
                if production_emissions_g_co2e_by_category.is_empty() {
                    return Err(ParameterError::NoCategories);
                }
                production_emissions_g_co2e_by_category
                    .values()
                    .try_for_each(|value| positive(ParameterName::ProductionEmissions, *value))
            }
            Formula::ElectricityBelowBaseline { grid_factor_g_co2_per_kwh } => {
                positive(ParameterName::GridFactor, *grid_factor_g_co2_per_kwh)
            }
            Formula::LabelledProduct => Ok(()),
        }
    }
}

/// What a sub-platform reports a person did, in the terms a formula needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Activity {
    /// Orders without cutlery, or box reuses.
    Count { unit: ActivityUnit, units: u32 },
    /// A trip.
    Distance { person_km: f64 },
    /// Second-hand items sold or bought.
    SecondHandItems { category: String, items: u32 },
    /// A household's electricity in a billing period and its seasonal baseline.
    Electricity { baseline_kwh: f64, metered_kwh: f64 },
    /// Units of a labelled product bought, with the label's per-unit figures.
    LabelledPurchase { label_id: String, units: u32, footprint_g_co2e: f64, baseline_g_co2e: f64 },
}

/// A formula's parameter, named in `ParameterError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterName {
    ReductionPerUnit,
    ProductionEmissions,
    GridFactor,
}

/// Why a parameter of a methodology is not acceptable.
// Not `non_exhaustive`: the message catalogue matches every code.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ParameterError {
    /// A share is outside 0..=1.
    #[error("fraction {value} is outside 0..=1")]
    FractionOutOfRange { value: f64 },
    /// A figure that must be positive is not.
    #[error("{name:?} must be positive, got {value}")]
    NotPositive { name: ParameterName, value: f64 },
    /// A second-hand methodology lists no product categories.
    #[error("no product categories")]
    NoCategories,
}

/// Why an event's activity gives no reduction under a methodology.
// Not `non_exhaustive`: the message catalogue matches every code.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReductionError {
    /// The activity is not the kind the methodology's formula computes from.
    #[error("the activity does not fit the methodology's formula")]
    ActivityDoesNotFitFormula,
    /// A second-hand item's category is not in the methodology.
    #[error("unknown product category {category}")]
    UnknownCategory { category: String },
    /// A quantity is negative, not a number, or infinite.
    #[error("quantity {value} is not a finite non-negative number")]
    InvalidQuantity { value: f64 },
}

impl Formula {
    /// The reduction in g CO2e an activity earns under this formula.
    pub fn reduction_g_co2e(&self, activity: &Activity) -> Result<f64, ReductionError> {
        let check = |value: f64| {
            if value.is_finite() && value >= 0.0 { Ok(value) } else { Err(ReductionError::InvalidQuantity { value }) }
        };
        match (self, activity) {
            (Formula::PerUnit { unit, reduction_per_unit_g_co2e }, Activity::Count { unit: given, units })
                if unit == given && *unit != ActivityUnit::PersonKm =>
            {
                Ok(f64::from(*units) * reduction_per_unit_g_co2e)
            }
            (
                Formula::PerUnit { unit: ActivityUnit::PersonKm, reduction_per_unit_g_co2e },
                Activity::Distance { person_km },
            ) => Ok(check(*person_km)? * reduction_per_unit_g_co2e),
            (
                Formula::SecondHand { substitution_rate, production_emissions_g_co2e_by_category },
                Activity::SecondHandItems { category, items },
            ) => {
                let production = production_emissions_g_co2e_by_category
                    .get(category)
                    .ok_or_else(|| ReductionError::UnknownCategory { category: category.clone() })?;
                Ok(production * substitution_rate.get() * f64::from(*items))
            }
            (
                Formula::ElectricityBelowBaseline { grid_factor_g_co2_per_kwh },
                Activity::Electricity { baseline_kwh, metered_kwh },
            ) => Ok((check(*baseline_kwh)? - check(*metered_kwh)?).max(0.0) * grid_factor_g_co2_per_kwh),
            (Formula::LabelledProduct, Activity::LabelledPurchase { units, footprint_g_co2e, baseline_g_co2e, .. }) => {
                Ok((check(*baseline_g_co2e)? - check(*footprint_g_co2e)?).max(0.0) * f64::from(*units))
            }
            _ => Err(ReductionError::ActivityDoesNotFitFormula),
        }
    }
}

/// Where a methodology version is in its review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReviewStatus {
    Draft,
    ExpertReview,
    /// Published for objections from `from` through `until` (both working days).
    PublicNotice {
        from: Date,
        until: Date,
    },
    /// Credits points from `effective_from`.
    Approved {
        effective_from: Date,
    },
    /// Credited from `effective_from` until the day before `retired_on`.
    Retired {
        effective_from: Date,
        retired_on: Date,
    },
}

/// A review status without its dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStage {
    Draft,
    ExpertReview,
    PublicNotice,
    Approved,
    Retired,
}

impl ReviewStatus {
    pub fn stage(&self) -> ReviewStage {
        match self {
            ReviewStatus::Draft => ReviewStage::Draft,
            ReviewStatus::ExpertReview => ReviewStage::ExpertReview,
            ReviewStatus::PublicNotice { .. } => ReviewStage::PublicNotice,
            ReviewStatus::Approved { .. } => ReviewStage::Approved,
            ReviewStatus::Retired { .. } => ReviewStage::Retired,
        }
    }

    /// The status's stable code.
    pub fn code(&self) -> &'static str {
        match self.stage() {
            ReviewStage::Draft => "draft",
            ReviewStage::ExpertReview => "expert_review",
            ReviewStage::PublicNotice => "public_notice",
            ReviewStage::Approved => "approved",
            ReviewStage::Retired => "retired",
        }
    }
}

/// A review step, named in `ReviewError::NotAllowed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Edit,
    SubmitForReview,
    SignOff,
    StartPublicNotice,
    Object,
    Approve,
    Retire,
}

/// An expert's decision on a version under review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    /// Sends the version back to draft.
    RequestChanges,
}

/// One reviewer's signed decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub reviewer: String,
    pub decision: Decision,
    pub on: Date,
    /// The review round (1 for the first submission, +1 after each return to draft or objection).
    pub round: u32,
}

/// An objection raised during the public notice; it sends the version back to expert review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub raised_by: String,
    pub on: Date,
    pub round: u32,
}

/// The committee's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPolicy {
    /// Distinct approving reviewers needed in a round before the public notice.
    pub approvals_required: u32,
    /// Working days of public notice (Guangdong: 7).
    pub public_notice_working_days: u32,
}

/// Which days are working days: Monday–Friday, minus public holidays, plus make-up working days (调休) on weekends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingCalendar {
    pub holidays: BTreeSet<Date>,
    pub make_up_working_days: BTreeSet<Date>,
}

impl WorkingCalendar {
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.make_up_working_days.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.holidays.contains(&date)
    }

    /// The first working day on or after `date`.
    pub fn working_day_on_or_after(&self, mut date: Date) -> Date {
        while !self.is_working_day(date) {
            date = date.tomorrow().expect("dates stay far from the end of the calendar");
        }
        date
    }

    /// The last of `n` working days counted from the first working day on or after `start` (n ≥ 1).
    pub fn nth_working_day(&self, start: Date, n: u32) -> Date {
        let mut date = self.working_day_on_or_after(start);
        for _ in 1..n.max(1) {
            date = self.working_day_on_or_after(date.tomorrow().expect("dates stay far from the end"));
        }
        date
    }
}

/// Why a review step was refused.
// Not `non_exhaustive`: the message catalogue matches every code.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReviewError {
    /// The step is not allowed in the version's current status.
    #[error("{action:?} is not allowed while the version is {status:?}")]
    NotAllowed { action: ReviewAction, status: ReviewStage },
    /// The author of a version cannot review it.
    #[error("the author cannot review their own methodology")]
    ReviewerIsAuthor,
    /// The reviewer already signed off in this round.
    #[error("{reviewer} already signed off in this round")]
    AlreadySignedOff { reviewer: String },
    /// Too few distinct reviewers approved in this round.
    #[error("{have} approvals, {need} required")]
    NotEnoughApprovals { have: u32, need: u32 },
    /// The public notice runs until `until`; approval is possible from the next day.
    #[error("the public notice runs until {until}")]
    NoticeNotOver { until: Date },
    /// The citation has no title or publisher.
    #[error("the methodology has no citation")]
    MissingCitation,
    /// A parameter is not acceptable.
    #[error("invalid parameter: {0}")]
    InvalidParameter(#[from] ParameterError),
    /// Retiring on or before the day the version took effect.
    #[error("retirement must come after {effective_from}")]
    RetiredBeforeEffective { effective_from: Date },
    /// A step dated before the previous one.
    #[error("dated before the previous step on {previous}")]
    DatedBeforePreviousStep { previous: Date },
}

/// One version of a methodology, with its review record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MethodologyVersion {
    pub key: MethodologyVersionKey,
    /// The behaviour it credits (`no_cutlery_order`, `metro_trip`, …), as sub-platforms name it in events.
    pub behaviour: String,
    pub formula: Formula,
    pub citation: Citation,
    pub author: String,
    pub status: ReviewStatus,
    pub round: u32,
    pub sign_offs: Vec<SignOff>,
    pub objections: Vec<Objection>,
    /// The largest plausible quantity in one event (orders, km, items, kWh); above it the event is held for review.
    pub max_quantity_per_event: f64,
    last_step_on: Option<Date>,
}

impl MethodologyVersion {
    /// A new draft.
    pub fn draft(
        key: MethodologyVersionKey,
        behaviour: impl Into<String>,
        formula: Formula,
        citation: Citation,
        author: impl Into<String>,
        max_quantity_per_event: f64,
    ) -> Self {
        MethodologyVersion {
            key,
            behaviour: behaviour.into(),
            formula,
            citation,
            author: author.into(),
            status: ReviewStatus::Draft,
            round: 1,
            sign_offs: Vec::new(),
            objections: Vec::new(),
            max_quantity_per_event,
            last_step_on: None,
        }
    }

    fn not_allowed(&self, action: ReviewAction) -> ReviewError {
        ReviewError::NotAllowed { action, status: self.status.stage() }
    }

    fn dated(&mut self, on: Date) -> Result<(), ReviewError> {
        if let Some(previous) = self.last_step_on
            && on < previous
        {
            return Err(ReviewError::DatedBeforePreviousStep { previous });
        }
        self.last_step_on = Some(on);
        Ok(())
    }

    /// Changes the formula of a draft.
    pub fn edit_formula(&mut self, formula: Formula) -> Result<(), ReviewError> {
        if self.status != ReviewStatus::Draft {
            return Err(self.not_allowed(ReviewAction::Edit));
        }
        self.formula = formula;
        Ok(())
    }

    /// Draft → expert review, once the citation and the parameters are complete.
    pub fn submit_for_review(&mut self, on: Date) -> Result<(), ReviewError> {
        if self.status != ReviewStatus::Draft {
            return Err(self.not_allowed(ReviewAction::SubmitForReview));
        }
        if self.citation.title.trim().is_empty() || self.citation.publisher.trim().is_empty() {
            return Err(ReviewError::MissingCitation);
        }
        self.formula.validate()?;
        self.dated(on)?;
        self.status = ReviewStatus::ExpertReview;
        Ok(())
    }

    /// A reviewer's decision; `RequestChanges` sends the version back to draft for a new round.
    pub fn sign_off(&mut self, reviewer: &str, decision: Decision, on: Date) -> Result<(), ReviewError> {
        if self.status != ReviewStatus::ExpertReview {
            return Err(self.not_allowed(ReviewAction::SignOff));
        }
        if reviewer == self.author {
            return Err(ReviewError::ReviewerIsAuthor);
        }
        if self.sign_offs.iter().any(|sign_off| sign_off.round == self.round && sign_off.reviewer == reviewer) {
            return Err(ReviewError::AlreadySignedOff { reviewer: reviewer.to_owned() });
        }
        self.dated(on)?;
        self.sign_offs.push(SignOff { reviewer: reviewer.to_owned(), decision, on, round: self.round });
        if decision == Decision::RequestChanges {
            self.status = ReviewStatus::Draft;
            self.round += 1;
        }
        Ok(())
    }

    /// Distinct reviewers who approved in the current round.
    pub fn approvals_this_round(&self) -> u32 {
        let reviewers: BTreeSet<&str> = self
            .sign_offs
            .iter()
            .filter(|sign_off| sign_off.round == self.round && sign_off.decision == Decision::Approve)
            .map(|sign_off| sign_off.reviewer.as_str())
            .collect();
        reviewers.len() as u32
    }

    /// Expert review → public notice for the policy's working days, starting on the first working day on or after
    /// `on`.
    pub fn start_public_notice(
        &mut self,
        on: Date,
        policy: &ReviewPolicy,
        calendar: &WorkingCalendar,
    ) -> Result<(), ReviewError> {
        if self.status != ReviewStatus::ExpertReview {
            return Err(self.not_allowed(ReviewAction::StartPublicNotice));
        }
        let have = self.approvals_this_round();
        if have < policy.approvals_required {
            return Err(ReviewError::NotEnoughApprovals { have, need: policy.approvals_required });
        }
        self.dated(on)?;
        let from = calendar.working_day_on_or_after(on);
        let until = calendar.nth_working_day(from, policy.public_notice_working_days);
        self.status = ReviewStatus::PublicNotice { from, until };
        Ok(())
    }

    /// An objection during the notice: back to expert review for a new round.
    pub fn object(&mut self, raised_by: &str, on: Date) -> Result<(), ReviewError> {
        let ReviewStatus::PublicNotice { .. } = self.status else {
            return Err(self.not_allowed(ReviewAction::Object));
        };
        self.dated(on)?;
        self.objections.push(Objection { raised_by: raised_by.to_owned(), on, round: self.round });
        self.round += 1;
        self.status = ReviewStatus::ExpertReview;
        Ok(())
    }

    /// Public notice over without objection → approved, effective from `on`.
    pub fn approve(&mut self, on: Date) -> Result<(), ReviewError> {
        let ReviewStatus::PublicNotice { until, .. } = self.status else {
            return Err(self.not_allowed(ReviewAction::Approve));
        };
        if on <= until {
            return Err(ReviewError::NoticeNotOver { until });
        }
        self.dated(on)?;
        self.status = ReviewStatus::Approved { effective_from: on };
        Ok(())
    }

    /// Approved → retired from `on`; credits stop that day, earlier credits keep their version.
    pub fn retire(&mut self, on: Date) -> Result<(), ReviewError> {
        let ReviewStatus::Approved { effective_from } = self.status else {
            return Err(self.not_allowed(ReviewAction::Retire));
        };
        if on <= effective_from {
            return Err(ReviewError::RetiredBeforeEffective { effective_from });
        }
        self.dated(on)?;
        self.status = ReviewStatus::Retired { effective_from, retired_on: on };
        Ok(())
    }

    /// Whether this version credits activities that happened on `date`.
    pub fn credits_on(&self, date: Date) -> bool {
        match self.status {
            ReviewStatus::Approved { effective_from } => effective_from <= date,
            ReviewStatus::Retired { effective_from, retired_on } => effective_from <= date && date < retired_on,
            _ => false,
        }
    }
}

/// The operator's methodologies, all versions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodologyRegistry {
    versions: BTreeMap<MethodologyVersionKey, MethodologyVersion>,
}

/// Why a version could not be added to the registry.
// Not `non_exhaustive`: the message catalogue matches every code.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RegistryError {
    /// The version number is not one more than the methodology's latest.
    #[error("expected version {expected}")]
    VersionOutOfSequence { expected: u32 },
    /// Another methodology already credits this behaviour.
    #[error("behaviour {behaviour} belongs to another methodology")]
    BehaviourTaken { behaviour: String },
    /// The version is not in the registry.
    #[error("no such methodology version")]
    NotFound,
}

impl MethodologyRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a draft; versions of one methodology are numbered 1, 2, 3… and credit one behaviour.
    pub fn add(&mut self, version: MethodologyVersion) -> Result<(), RegistryError> {
        let id = version.key.methodology_id;
        let latest = self.versions.keys().filter(|key| key.methodology_id == id).map(|key| key.version).max();
        let expected = latest.map_or(1, |latest| latest + 1);
        if version.key.version != expected {
            return Err(RegistryError::VersionOutOfSequence { expected });
        }
        if self.versions.values().any(|other| other.key.methodology_id != id && other.behaviour == version.behaviour) {
            return Err(RegistryError::BehaviourTaken { behaviour: version.behaviour });
        }
        self.versions.insert(version.key, version);
        Ok(())
    }

    pub fn get(&self, key: MethodologyVersionKey) -> Option<&MethodologyVersion> {
        self.versions.get(&key)
    }

    /// A version to move through its review.
    pub fn get_mut(&mut self, key: MethodologyVersionKey) -> Result<&mut MethodologyVersion, RegistryError> {
        self.versions.get_mut(&key).ok_or(RegistryError::NotFound)
    }

    pub fn versions(&self) -> impl Iterator<Item = &MethodologyVersion> {
        self.versions.values()
    }

    /// The version that credits `behaviour` for an activity on `date`: the highest-numbered version in force.
    pub fn crediting_version(&self, behaviour: &str, date: Date) -> Option<&MethodologyVersion> {
        self.versions.values().rev().find(|version| version.behaviour == behaviour && version.credits_on(date))
    }
}

/// Figures with a published source, for operators to start from. Each comes with its citation; anything else is
/// entered by the operator with theirs.
pub mod published {
    use super::*;

    /// Shenzhen's carbon-inclusive methodology for public transport (reduction per person-km against the city's
    /// average motorised trip): 《深圳市低碳公共出行碳普惠方法学（试行）》, issued by the Shenzhen Municipal Ecology
    /// and Environment Bureau in December 2021 (reported by 深圳特区报 on 16 December 2021). The figures 26.9 (battery-
    /// electric bus) and 46.7 (metro) g CO2 per person-km were checked against 深圳商报's report of 23 September 2022,
    /// which quotes them from the methodology — the URL below is that report, a secondary source: the bureau's own
    /// document was not retrieved, and its licence is not known.
    pub fn shenzhen_public_transport_citation() -> Citation {
        Citation {
            title: "深圳市低碳公共出行碳普惠方法学（试行） (Shenzhen low-carbon public-transport carbon-inclusive methodology, trial)"
                .to_owned(),
            publisher: "深圳市生态环境局 (Shenzhen Municipal Ecology and Environment Bureau)".to_owned(),
            version: Some("试行 (trial)".to_owned()),
            year: Some(2021),
            region: Some("CN-GD Shenzhen".to_owned()),
            licence: None,
            url: Some("https://www.citysz.net/guonei/2022/0923/2022107136.html".to_owned()),
        }
    }

    /// Metro: 46.7 g CO2 per person-km.
    pub fn shenzhen_metro() -> Formula {
        Formula::PerUnit { unit: ActivityUnit::PersonKm, reduction_per_unit_g_co2e: 46.7 }
    }

    /// Battery-electric bus: 26.9 g CO2 per person-km.
    pub fn shenzhen_bus() -> Formula {
        Formula::PerUnit { unit: ActivityUnit::PersonKm, reduction_per_unit_g_co2e: 26.9 }
    }

    /// The second-hand formula's source (the figures per category are the operator's).
    pub fn second_hand_citation() -> Citation {
        Citation {
            title: "二手商品碳减排量核算 团体标准 (second-hand goods reduction accounting, group standards)".to_owned(),
            publisher: "China Circular Economy Association (中国循环经济协会)".to_owned(),
            version: None,
            year: Some(2023),
            region: Some("CN".to_owned()),
            licence: None,
            url: None,
        }
    }
}
