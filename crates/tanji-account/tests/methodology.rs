//! Methodologies: formulas on published figures, the review workflow's allowed and refused steps, and which version
//! credits on which day.

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use proptest::prelude::*;
use tanji_account::methodology::{
    Activity, ActivityUnit, Citation, Decision, Formula, Fraction, MethodologyId, MethodologyRegistry,
    MethodologyVersion, MethodologyVersionKey, ReductionError, RegistryError, ReviewAction, ReviewError, ReviewPolicy,
    ReviewStage, ReviewStatus, WorkingCalendar, published,
};

fn check_reduction(formula: &Formula, activity: Activity, expect: Result<f64, ReductionError>) {
    let got = formula.reduction_g_co2e(&activity);
    match (&got, &expect) {
        (Ok(got), Ok(expect)) => assert!((got - expect).abs() < 1e-9, "{activity:?}: got {got}, expected {expect}"),
        _ => assert_eq!(got, expect, "{activity:?}"),
    }
}

#[test]
fn shenzhen_metro_and_bus_credit_their_published_figures_per_person_km() {
    // REFERENCES.md §7: metro 46.7 g CO2 per person-km, battery-electric bus 26.9 g.
    check_reduction(&published::shenzhen_metro(), Activity::Distance { person_km: 10.0 }, Ok(467.0));
    check_reduction(&published::shenzhen_bus(), Activity::Distance { person_km: 3.5 }, Ok(94.15));
    check_reduction(
        &published::shenzhen_metro(),
        Activity::Distance { person_km: -1.0 },
        Err(ReductionError::InvalidQuantity { value: -1.0 }),
    );
    check_reduction(
        &published::shenzhen_metro(),
        Activity::Count { unit: ActivityUnit::Order, units: 1 },
        Err(ReductionError::ActivityDoesNotFitFormula),
    );
}

#[test]
fn per_unit_formulas_count_their_own_unit_only() {
    let no_cutlery = Formula::PerUnit { unit: ActivityUnit::Order, reduction_per_unit_g_co2e: 12.5 };
    check_reduction(&no_cutlery, Activity::Count { unit: ActivityUnit::Order, units: 4 }, Ok(50.0));
    check_reduction(
        &no_cutlery,
        Activity::Count { unit: ActivityUnit::Reuse, units: 4 },
        Err(ReductionError::ActivityDoesNotFitFormula),
    );
}

#[test]
fn second_hand_is_production_emissions_times_substitution_rate() {
    // The CCEA group standards' formula (REFERENCES.md §7); the category figure here is a test value.
    let formula = Formula::SecondHand {
        substitution_rate: Fraction::parse(0.4).unwrap(),
        production_emissions_g_co2e_by_category: BTreeMap::from([("phone".to_owned(), 55_000.0)]),
    };
    check_reduction(&formula, Activity::SecondHandItems { category: "phone".into(), items: 2 }, Ok(44_000.0));
    check_reduction(
        &formula,
        Activity::SecondHandItems { category: "sofa".into(), items: 1 },
        Err(ReductionError::UnknownCategory { category: "sofa".into() }),
    );
    assert!(Fraction::parse(1.2).is_err());
    assert!(Fraction::parse(f64::NAN).is_err());
}

#[test]
fn electricity_and_labelled_products_credit_only_a_saving() {
    let electricity = Formula::ElectricityBelowBaseline { grid_factor_g_co2_per_kwh: 500.0 };
    check_reduction(&electricity, Activity::Electricity { baseline_kwh: 300.0, metered_kwh: 260.0 }, Ok(20_000.0));
    check_reduction(&electricity, Activity::Electricity { baseline_kwh: 300.0, metered_kwh: 320.0 }, Ok(0.0));
    let label = Formula::LabelledProduct;
    let purchase = |units, footprint, baseline| Activity::LabelledPurchase {
        label_id: "cup".into(),
        units,
        footprint_g_co2e: footprint,
        baseline_g_co2e: baseline,
    };
    check_reduction(&label, purchase(10, 18.0, 25.0), Ok(70.0));
    check_reduction(&label, purchase(10, 30.0, 25.0), Ok(0.0));
}

fn citation() -> Citation {
    published::shenzhen_public_transport_citation()
}

fn key(version: u32) -> MethodologyVersionKey {
    MethodologyVersionKey { methodology_id: MethodologyId(7), version }
}

fn metro_draft(version: u32) -> MethodologyVersion {
    MethodologyVersion::draft(key(version), "metro_trip", published::shenzhen_metro(), citation(), "author", 200.0)
}

const POLICY: ReviewPolicy = ReviewPolicy { approvals_required: 2, public_notice_working_days: 7 };

/// A step of the review, applied in order; each with its expected answer.
#[derive(Clone, Debug)]
enum Step {
    Submit(Date),
    SignOff(&'static str, Decision, Date),
    Notice(Date),
    Object(Date),
    Approve(Date),
    Retire(Date),
}

fn check_review(steps: &[(Step, Result<(), ReviewError>)], final_status: ReviewStatus) {
    let mut version = metro_draft(1);
    let calendar = WorkingCalendar::default();
    for (step_idx, (step, expect)) in steps.iter().enumerate() {
        let got = match step {
            Step::Submit(on) => version.submit_for_review(*on),
            Step::SignOff(reviewer, decision, on) => version.sign_off(reviewer, *decision, *on),
            Step::Notice(on) => version.start_public_notice(*on, &POLICY, &calendar),
            Step::Object(on) => version.object("resident", *on),
            Step::Approve(on) => version.approve(*on),
            Step::Retire(on) => version.retire(*on),
        };
        assert_eq!(&got, expect, "step {step_idx}: {step:?}");
    }
    assert_eq!(version.status, final_status);
}

use Decision::{Approve, RequestChanges};

#[test]
fn the_full_review_path_ends_approved_after_seven_working_days_of_notice() {
    // Friday 2026-06-05: the notice runs Mon 8 … Tue 16 June (7 working days); approval from Wed 17.
    check_review(
        &[
            (Step::Submit(date(2026, 6, 1)), Ok(())),
            (Step::SignOff("expert-a", Approve, date(2026, 6, 2)), Ok(())),
            (Step::Notice(date(2026, 6, 3)), Err(ReviewError::NotEnoughApprovals { have: 1, need: 2 })),
            (
                Step::SignOff("expert-a", Approve, date(2026, 6, 3)),
                Err(ReviewError::AlreadySignedOff { reviewer: "expert-a".into() }),
            ),
            (Step::SignOff("author", Approve, date(2026, 6, 3)), Err(ReviewError::ReviewerIsAuthor)),
            (Step::SignOff("expert-b", Approve, date(2026, 6, 4)), Ok(())),
            (Step::Notice(date(2026, 6, 6)), Ok(())),
            (Step::Approve(date(2026, 6, 16)), Err(ReviewError::NoticeNotOver { until: date(2026, 6, 16) })),
            (Step::Approve(date(2026, 6, 17)), Ok(())),
        ],
        ReviewStatus::Approved { effective_from: date(2026, 6, 17) },
    );
}

#[test]
fn request_changes_and_objections_start_a_new_round() {
    check_review(
        &[
            (Step::Submit(date(2026, 6, 1)), Ok(())),
            (Step::SignOff("expert-a", RequestChanges, date(2026, 6, 2)), Ok(())),
            (
                Step::SignOff("expert-b", Approve, date(2026, 6, 2)),
                Err(ReviewError::NotAllowed { action: ReviewAction::SignOff, status: ReviewStage::Draft }),
            ),
            (Step::Submit(date(2026, 6, 3)), Ok(())),
            (Step::SignOff("expert-a", Approve, date(2026, 6, 3)), Ok(())),
            (Step::SignOff("expert-b", Approve, date(2026, 6, 3)), Ok(())),
            (Step::Notice(date(2026, 6, 4)), Ok(())),
            (Step::Object(date(2026, 6, 5)), Ok(())),
            // Approvals of the earlier round do not carry over.
            (Step::Notice(date(2026, 6, 8)), Err(ReviewError::NotEnoughApprovals { have: 0, need: 2 })),
            (
                Step::Approve(date(2026, 7, 1)),
                Err(ReviewError::NotAllowed { action: ReviewAction::Approve, status: ReviewStage::ExpertReview }),
            ),
        ],
        ReviewStatus::ExpertReview,
    );
}

#[test]
fn steps_out_of_order_or_back_in_time_are_refused() {
    check_review(
        &[
            (
                Step::Retire(date(2026, 6, 1)),
                Err(ReviewError::NotAllowed { action: ReviewAction::Retire, status: ReviewStage::Draft }),
            ),
            (
                Step::Approve(date(2026, 6, 1)),
                Err(ReviewError::NotAllowed { action: ReviewAction::Approve, status: ReviewStage::Draft }),
            ),
            (Step::Submit(date(2026, 6, 10)), Ok(())),
            (
                Step::SignOff("expert-a", Approve, date(2026, 6, 9)),
                Err(ReviewError::DatedBeforePreviousStep { previous: date(2026, 6, 10) }),
            ),
        ],
        ReviewStatus::ExpertReview,
    );
}

#[test]
fn a_draft_without_citation_or_with_a_bad_parameter_cannot_be_submitted() {
    let mut version = metro_draft(1);
    version.citation.title = " ".into();
    assert_eq!(version.submit_for_review(date(2026, 6, 1)), Err(ReviewError::MissingCitation));
    let mut version = metro_draft(1);
    version.edit_formula(Formula::PerUnit { unit: ActivityUnit::PersonKm, reduction_per_unit_g_co2e: -3.0 }).unwrap();
    assert!(matches!(version.submit_for_review(date(2026, 6, 1)), Err(ReviewError::InvalidParameter(_))));
}

#[test]
fn holidays_lengthen_the_notice_and_make_up_days_shorten_it() {
    let mut calendar = WorkingCalendar::default();
    // Dragon Boat Festival 2026 falls on Friday 19 June.
    calendar.holidays.insert(date(2026, 6, 19));
    assert_eq!(calendar.nth_working_day(date(2026, 6, 15), 7), date(2026, 6, 24));
    calendar.make_up_working_days.insert(date(2026, 6, 20));
    assert_eq!(calendar.nth_working_day(date(2026, 6, 15), 7), date(2026, 6, 23));
    assert_eq!(calendar.working_day_on_or_after(date(2026, 6, 19)), date(2026, 6, 20));
}

fn approved(version: u32, on: Date) -> MethodologyVersion {
    let mut draft = metro_draft(version);
    draft.submit_for_review(on).unwrap();
    draft.sign_off("expert-a", Approve, on).unwrap();
    draft.sign_off("expert-b", Approve, on).unwrap();
    draft.start_public_notice(on, &POLICY, &WorkingCalendar::default()).unwrap();
    let ReviewStatus::PublicNotice { until, .. } = draft.status else { unreachable!() };
    draft.approve(until.tomorrow().unwrap()).unwrap();
    draft
}

#[test]
fn only_an_approved_version_in_force_credits_and_the_newest_wins() {
    let mut registry = MethodologyRegistry::new();
    registry.add(approved(1, date(2026, 1, 5))).unwrap();
    assert_eq!(registry.add(metro_draft(3)), Err(RegistryError::VersionOutOfSequence { expected: 2 }));
    registry.add(metro_draft(2)).unwrap();
    let other = MethodologyVersion::draft(
        MethodologyVersionKey { methodology_id: MethodologyId(8), version: 1 },
        "metro_trip",
        published::shenzhen_bus(),
        citation(),
        "author",
        100.0,
    );
    assert_eq!(registry.add(other), Err(RegistryError::BehaviourTaken { behaviour: "metro_trip".into() }));

    let crediting = |registry: &MethodologyRegistry, on| {
        registry.crediting_version("metro_trip", on).map(|version| version.key.version)
    };
    assert_eq!(crediting(&registry, date(2026, 1, 5)), None, "before approval nothing credits");
    assert_eq!(crediting(&registry, date(2026, 2, 1)), Some(1));
    // Version 2 is a draft: version 1 still credits.
    assert_eq!(crediting(&registry, date(2026, 7, 1)), Some(1));
    registry.get_mut(key(1)).unwrap().retire(date(2026, 8, 1)).unwrap();
    assert_eq!(crediting(&registry, date(2026, 7, 31)), Some(1));
    assert_eq!(crediting(&registry, date(2026, 8, 1)), None, "retired from its retirement day");
    assert_eq!(registry.crediting_version("bus_trip", date(2026, 7, 1)).map(|version| version.key), None);
}

proptest! {
    /// The packed methodology key round-trips.
    #[test]
    fn version_keys_round_trip(id in any::<u32>(), version in any::<u32>()) {
        let key = MethodologyVersionKey { methodology_id: MethodologyId(id), version };
        prop_assert_eq!(MethodologyVersionKey::unpack(key.packed()), key);
    }

    /// However the steps are shuffled, a version credits only after passing every stage, and never while a
    /// step is refused; the notice always spans the policy's working days.
    #[test]
    fn random_review_steps_never_approve_without_approvals_and_notice(
        steps in prop::collection::vec((0u8..6, 0u8..4, 0i64..4), 0..30)
    ) {
        let mut version = metro_draft(1);
        let calendar = WorkingCalendar::default();
        let mut day = date(2026, 3, 2);
        let reviewers = ["expert-a", "expert-b", "expert-c", "author"];
        let mut last_notice: Option<(Date, Date)> = None;
        for (action, who, advance) in steps {
            day = day.checked_add(jiff::Span::new().days(advance)).unwrap();
            let before = version.status;
            let result = match action {
                0 => version.submit_for_review(day),
                1 => version.sign_off(reviewers[usize::from(who)], if who == 2 { RequestChanges } else { Approve }, day),
                2 => version.start_public_notice(day, &POLICY, &calendar),
                3 => version.object("resident", day),
                4 => version.approve(day),
                _ => version.retire(day),
            };
            if result.is_err() {
                prop_assert_eq!(version.status, before, "a refused step changes nothing");
            }
            if let ReviewStatus::PublicNotice { from, until } = version.status {
                let working = (0..).map(|n| from.checked_add(jiff::Span::new().days(n)).unwrap())
                    .take_while(|d| *d <= until).filter(|d| calendar.is_working_day(*d)).count();
                prop_assert_eq!(working, 7);
                last_notice = Some((from, until));
            }
            if let ReviewStatus::Approved { effective_from } = version.status {
                let (_, until) = last_notice.expect("approval follows a notice");
                prop_assert!(effective_from > until);
                prop_assert!(version.approvals_this_round() >= POLICY.approvals_required);
            }
        }
    }
}
