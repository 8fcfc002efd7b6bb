//! Properties of scoring on the default framework, for random answers and decisions: the total is the sum of the
//! indicators' points and lies in 0..=max; the grade is never better than the band's; decisions by the answerer
//! change nothing; accepting one more item never lowers the score.

use proptest::prelude::*;
use tanji_supplier::bundled::factory_carbon_management;
use tanji_supplier::framework::{EvidenceKind, Framework};
use tanji_supplier::scoring::{Answer, Decision, Evidence, Scorecard, Verdict, score};

const ANSWERER: &str = "supplier-member";

/// Per indicator: which tier (index, modulo the tier count), which of its kinds get an item, and each item's fate
/// (0 none, 1 accepted, 2 rejected, 3 approved by the answerer only).
type IndicatorChoice = (usize, Vec<(usize, u8)>);

fn build(framework: &Framework, choices: &[IndicatorChoice]) -> (Vec<Answer>, Vec<Decision>) {
    let mut answers = Vec::new();
    let mut decisions = Vec::new();
    for ((_, indicator), (tier_choice, items)) in framework.indicators().zip(choices) {
        let tier = &indicator.tiers[tier_choice % indicator.tiers.len()];
        let mut evidence = Vec::new();
        for (item_idx, (kind_choice, fate)) in items.iter().enumerate() {
            let kind = EvidenceKind::ALL[kind_choice % EvidenceKind::ALL.len()];
            let id = format!("{}-{item_idx}", indicator.id);
            evidence.push(Evidence { id: id.clone(), kind });
            let reviewer = match fate {
                0 => continue,
                3 => ANSWERER,
                _ => "brand-reviewer",
            };
            let verdict = if *fate == 2 { Verdict::Rejected { comment: "no".into() } } else { Verdict::Accepted };
            decisions.push(Decision {
                indicator: indicator.id.clone(),
                answer_version: 1,
                evidence_id: id,
                reviewer: reviewer.to_owned(),
                verdict,
            });
        }
        answers.push(Answer {
            indicator: indicator.id.clone(),
            version: 1,
            tier: tier.id.clone(),
            answered_by: ANSWERER.to_owned(),
            evidence,
        });
    }
    (answers, decisions)
}

fn choices() -> impl Strategy<Value = Vec<IndicatorChoice>> {
    prop::collection::vec((0usize..4, prop::collection::vec((0usize..17, 0u8..4), 0..4)), 14)
}

fn check_card(framework: &Framework, card: &Scorecard) -> Result<(), TestCaseError> {
    let indicator_sum: f64 = card.areas.iter().flat_map(|area| &area.indicators).map(|scored| scored.points).sum();
    prop_assert!((indicator_sum - card.score).abs() < 1e-9);
    prop_assert!(card.score >= 0.0 && card.score <= card.max_score + 1e-9);
    let band_rank = framework.grade_rank(&card.band_grade).expect("band");
    let grade_rank = framework.grade_rank(&card.grade).expect("grade");
    prop_assert!(grade_rank >= band_rank, "gates only lower a grade");
    Ok(())
}

proptest! {
    #[test]
    fn totals_add_up_and_self_approval_changes_nothing(choices in choices()) {
        let framework = factory_carbon_management();
        let (answers, decisions) = build(&framework, &choices);
        let card = score(&framework, &answers, &decisions);
        check_card(&framework, &card)?;
        let independent: Vec<Decision> =
            decisions.iter().filter(|decision| decision.reviewer != ANSWERER).cloned().collect();
        let without_self = score(&framework, &answers, &independent);
        prop_assert!((without_self.score - card.score).abs() < 1e-12);
        prop_assert_eq!(&without_self.grade, &card.grade);
    }

    #[test]
    fn accepting_one_more_item_never_lowers_the_score(choices in choices(), pick in 0usize..64) {
        let framework = factory_carbon_management();
        let (answers, decisions) = build(&framework, &choices);
        let before = score(&framework, &answers, &decisions);
        let items: Vec<(&Answer, &Evidence)> =
            answers.iter().flat_map(|answer| answer.evidence.iter().map(move |item| (answer, item))).collect();
        prop_assume!(!items.is_empty());
        let (answer, item) = items[pick % items.len()];
        let mut more = decisions.clone();
        more.push(Decision {
            indicator: answer.indicator.clone(),
            answer_version: 1,
            evidence_id: item.id.clone(),
            reviewer: "second-reviewer".into(),
            verdict: Verdict::Accepted,
        });
        let after = score(&framework, &answers, &more);
        check_card(&framework, &after)?;
        prop_assert!(after.score + 1e-12 >= before.score, "{} < {}", after.score, before.score);
    }
}
