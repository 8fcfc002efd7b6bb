//! Scoring: a small framework and answers scored by hand, evidence rules (no self-approval, reopening), gates, and
//! framework validation codes.

use tanji_supplier::framework::{EvidenceKind, Framework, FrameworkProblem, TierLevel};
use tanji_supplier::scoring::{
    Answer, AnswerError, AnswerSheet, Decision, Evidence, EvidenceStatus, ScoreOutcome, Scorecard, Verdict, score,
};

/// Area a (60 points): x (weight 2; full 10 with a system certificate, partial 4 with a management document) and
/// y (weight 1; full 5 without evidence). Area b (40 points): z (full 8 with a compliance record, partial 4 with a
/// rectification record, none = "violation"); a gate caps the grade at C when z scores "violation".
const GOLDEN: &str = r#"
id = "golden"
version = 3
name_zh = "测试框架"
name_en = "Test framework"
design_note = "test"
max_score = 100.0

[[source]]
id = "s"
publisher = "p"
document = "d"
version = "1"
verification = "unverified: test"

[[area]]
id = "a"
name_zh = "甲"
name_en = "A"
weight = 60.0

[[area.indicator]]
id = "x"
name_zh = "x"
name_en = "x"
weight = 2.0
[[area.indicator.tier]]
id = "full"
level = "full"
points = 10.0
label_zh = "全"
label_en = "full"
evidence = ["system_certificate"]
modelled_on = ["s"]
[[area.indicator.tier]]
id = "partial"
level = "partial"
points = 4.0
label_zh = "部分"
label_en = "partial"
evidence = ["management_document"]
[[area.indicator.tier]]
id = "none"
level = "none"
points = 0.0
label_zh = "无"
label_en = "none"

[[area.indicator]]
id = "y"
name_zh = "y"
name_en = "y"
weight = 1.0
[[area.indicator.tier]]
id = "full"
level = "full"
points = 5.0
label_zh = "全"
label_en = "full"
[[area.indicator.tier]]
id = "none"
level = "none"
points = 0.0
label_zh = "无"
label_en = "none"

[[area]]
id = "b"
name_zh = "乙"
name_en = "B"
weight = 40.0

[[area.indicator]]
id = "z"
name_zh = "z"
name_en = "z"
weight = 1.0
[[area.indicator.tier]]
id = "clean"
level = "full"
points = 8.0
label_zh = "无违规"
label_en = "clean"
evidence = ["compliance_record"]
[[area.indicator.tier]]
id = "rectified"
level = "partial"
points = 4.0
label_zh = "已整改"
label_en = "rectified"
evidence = ["rectification_record"]
[[area.indicator.tier]]
id = "violation"
level = "none"
points = 0.0
label_zh = "违规"
label_en = "violation"

[[gate]]
id = "violation"
name_zh = "违规"
name_en = "violation"
indicator = "z"
when_tiers = ["violation"]
cap_grade = "C"

[[band]]
grade = "A"
min_score = 80.0
[[band]]
grade = "B"
min_score = 60.0
[[band]]
grade = "C"
min_score = 40.0
[[band]]
grade = "D"
min_score = 0.0
"#;

fn golden() -> Framework {
    Framework::from_toml(GOLDEN).expect("the golden framework is valid")
}

fn evidence(id: &str, kind: EvidenceKind) -> Evidence {
    Evidence { id: id.to_owned(), kind }
}

fn answer(indicator: &str, tier: &str, items: Vec<Evidence>) -> Answer {
    Answer {
        indicator: indicator.to_owned(),
        version: 1,
        tier: tier.to_owned(),
        answered_by: "supplier-ann".to_owned(),
        evidence: items,
    }
}

fn decision(indicator: &str, evidence_id: &str, reviewer: &str, verdict: Verdict) -> Decision {
    Decision {
        indicator: indicator.to_owned(),
        answer_version: 1,
        evidence_id: evidence_id.to_owned(),
        reviewer: reviewer.to_owned(),
        verdict,
    }
}

fn rejected(comment: &str) -> Verdict {
    Verdict::Rejected { comment: comment.to_owned() }
}

fn indicator<'a>(card: &'a Scorecard, id: &str) -> &'a tanji_supplier::scoring::IndicatorScore {
    card.areas.iter().flat_map(|area| &area.indicators).find(|scored| scored.indicator == id).expect("indicator scored")
}

fn close(got: f64, expect: f64) {
    assert!((got - expect).abs() < 1e-9, "got {got}, expected {expect}");
}

#[test]
fn a_rejected_compliance_record_scores_nothing_and_the_gate_caps_the_grade() {
    // x: full, certificate e1 accepted by the brand's reviewer → 10/10. y: full, no evidence needed → 5/5.
    // Area a = 60 × (2 × 1 + 1 × 1) / 3 = 60. z: claims "clean", its record e3 is rejected and no rectification
    // record was attached → falls back to "violation", 0 points; area b = 0. Total 60 → band B; the gate caps to C.
    let answers = vec![
        answer("x", "full", vec![evidence("e1", EvidenceKind::SystemCertificate)]),
        answer("y", "full", vec![]),
        answer("z", "clean", vec![evidence("e3", EvidenceKind::ComplianceRecord)]),
    ];
    let decisions = vec![
        decision("x", "e1", "brand-rob", Verdict::Accepted),
        decision("z", "e3", "brand-rob", rejected("the search covers one year only")),
    ];
    let card = score(&golden(), &answers, &decisions);
    close(card.score, 60.0);
    assert_eq!((card.band_grade.as_str(), card.grade.as_str()), ("B", "C"));
    assert_eq!(card.framework_version, 3);
    assert_eq!(card.gates.len(), 1);
    assert!(card.gates[0].lowered_grade);
    let z = indicator(&card, "z");
    assert_eq!(z.outcome, ScoreOutcome::FellBack { claimed: "clean".into(), scored: "violation".into() });
    assert_eq!(
        z.evidence[0].status,
        EvidenceStatus::Rejected {
            evidence_id: "e3".into(),
            reviewer: "brand-rob".into(),
            comment: "the search covers one year only".into()
        }
    );
    close(indicator(&card, "x").points, 40.0);
    close(indicator(&card, "y").points, 20.0);
    assert_eq!(indicator(&card, "y").outcome, ScoreOutcome::CreditedWithoutEvidence);
}

#[test]
fn self_approval_is_ignored_and_the_claim_falls_back_to_the_supported_tier() {
    // x claims full; the certificate e1 was "accepted" only by its own answerer (ignored), the document e2 by the
    // reviewer → partial, 4/10. Area a = 60 × (2 × 0.4 + 1 × 1) / 3 = 36 (x: 60 × 2/3 × 0.4 = 16, y: 20).
    // z: clean with e3 accepted → 40. Total 76 → B, no gate.
    let answers = vec![
        answer(
            "x",
            "full",
            vec![evidence("e1", EvidenceKind::SystemCertificate), evidence("e2", EvidenceKind::ManagementDocument)],
        ),
        answer("y", "full", vec![]),
        answer("z", "clean", vec![evidence("e3", EvidenceKind::ComplianceRecord)]),
    ];
    let decisions = vec![
        decision("x", "e1", "supplier-ann", Verdict::Accepted),
        decision("x", "e2", "brand-rob", Verdict::Accepted),
        decision("z", "e3", "brand-rob", Verdict::Accepted),
    ];
    let card = score(&golden(), &answers, &decisions);
    close(card.score, 76.0);
    assert_eq!(card.grade, "B");
    assert!(card.gates.is_empty());
    // Gaps: x is at partial (4 of 10): the full tier adds (10 − 4) × 60 × 2/3 / 10 = 24 points and needs a
    // system certificate; y and z are at their best.
    let gaps = card.gaps(&golden());
    assert_eq!(gaps.len(), 1);
    assert_eq!((gaps[0].indicator.as_str(), gaps[0].next_tier.as_str()), ("x", "full"));
    close(gaps[0].points_to_next_tier, 24.0);
    close(gaps[0].points_to_best_tier, 24.0);
    assert_eq!(gaps[0].evidence_needed, vec![EvidenceKind::SystemCertificate]);
    let x = indicator(&card, "x");
    close(x.points, 16.0);
    assert_eq!(x.scored_tier, "partial");
    assert_eq!(x.evidence[0].status, EvidenceStatus::SelfApprovalIgnored { evidence_id: "e1".into() });
}

#[test]
fn the_last_decision_counts_and_unanswered_indicators_score_their_none_tier() {
    // e1 first rejected, then accepted on a second look → x full (40). y unanswered → 0. z unanswered → "violation"
    // → gate. Total 40 → band C; the cap (C) does not lower it.
    let answers = vec![answer("x", "full", vec![evidence("e1", EvidenceKind::SystemCertificate)])];
    let decisions = vec![
        decision("x", "e1", "brand-rob", rejected("illegible scan")),
        decision("x", "e1", "brand-sue", Verdict::Accepted),
    ];
    let card = score(&golden(), &answers, &decisions);
    close(card.score, 40.0);
    assert_eq!((card.band_grade.as_str(), card.grade.as_str()), ("C", "C"));
    assert!(!card.gates[0].lowered_grade);
    assert_eq!(indicator(&card, "y").outcome, ScoreOutcome::Unanswered);
    assert_eq!(indicator(&card, "z").scored_tier, "violation");
    // Gaps, most points first: z (none → clean: 40, next tier "rectified": 20), then y (20); x is full.
    let gaps = card.gaps(&golden());
    let summary: Vec<(&str, &str)> = gaps.iter().map(|gap| (gap.indicator.as_str(), gap.next_tier.as_str())).collect();
    assert_eq!(summary, [("z", "rectified"), ("y", "full")]);
    close(gaps[0].points_to_next_tier, 20.0);
    close(gaps[0].points_to_best_tier, 40.0);
    close(gaps[1].points_to_best_tier, 20.0);
}

#[test]
fn evidence_awaiting_review_does_not_score() {
    let answers = vec![answer("x", "full", vec![evidence("e1", EvidenceKind::SystemCertificate)])];
    let card = score(&golden(), &answers, &[]);
    let x = indicator(&card, "x");
    assert_eq!(x.scored_tier, "none");
    assert_eq!(x.evidence[0].status, EvidenceStatus::AwaitingReview { evidence_id: "e1".into() });
}

#[test]
fn the_answer_sheet_refuses_self_approval_and_reopening_makes_a_new_version() {
    let framework = golden();
    let mut sheet = AnswerSheet::new();
    let version = sheet
        .answer(&framework, "x", "full", "supplier-ann", vec![evidence("e1", EvidenceKind::SystemCertificate)])
        .expect("answered");
    assert_eq!(version, 1);
    assert_eq!(
        sheet.decide(decision("x", "e1", "supplier-ann", Verdict::Accepted)),
        Err(AnswerError::SelfApproval { reviewer: "supplier-ann".into() })
    );
    sheet.decide(decision("x", "e1", "brand-rob", Verdict::Accepted)).expect("reviewed");
    close(score(&framework, &sheet.current_answers(), sheet.decisions()).score, 40.0);

    assert_eq!(
        sheet.answer(&framework, "x", "partial", "supplier-ann", vec![]),
        Err(AnswerError::AlreadyAnswered { indicator: "x".into() })
    );
    sheet.reopen("x").expect("reopened");
    let version = sheet
        .answer(&framework, "x", "full", "supplier-ann", vec![evidence("e9", EvidenceKind::SystemCertificate)])
        .expect("answered again");
    assert_eq!(version, 2);
    assert_eq!(sheet.history("x").len(), 2);
    // The acceptance of version 1's certificate does not carry over: version 2 waits for review.
    let card = score(&framework, &sheet.current_answers(), sheet.decisions());
    close(card.score, 0.0);
    assert_eq!(indicator(&card, "x").answer_version, Some(2));
    // A decision on the old version is refused.
    assert!(matches!(
        sheet.decide(decision("x", "e1", "brand-rob", Verdict::Accepted)),
        Err(AnswerError::UnknownEvidence { .. })
    ));
    let mut on_version_2 = decision("x", "e9", "brand-rob", Verdict::Accepted);
    on_version_2.answer_version = 2;
    sheet.decide(on_version_2).expect("reviewed");
    close(score(&framework, &sheet.current_answers(), sheet.decisions()).score, 40.0);
}

#[test]
fn the_answer_sheet_refuses_unknown_indicators_tiers_and_duplicate_evidence() {
    let framework = golden();
    let mut sheet = AnswerSheet::new();
    assert_eq!(
        sheet.answer(&framework, "w", "full", "a", vec![]),
        Err(AnswerError::UnknownIndicator { indicator: "w".into() })
    );
    assert_eq!(
        sheet.answer(&framework, "x", "best", "a", vec![]),
        Err(AnswerError::UnknownTier { indicator: "x".into(), tier: "best".into() })
    );
    let twice = vec![evidence("e1", EvidenceKind::SystemCertificate), evidence("e1", EvidenceKind::ManagementDocument)];
    assert_eq!(
        sheet.answer(&framework, "x", "full", "a", twice),
        Err(AnswerError::DuplicateEvidence { evidence_id: "e1".into() })
    );
    assert_eq!(sheet.reopen("y"), Err(AnswerError::NothingToReopen { indicator: "y".into() }));
}

#[test]
fn a_framework_with_mistakes_reports_each_of_them() {
    let broken = GOLDEN
        .replace("weight = 40.0", "weight = 30.0")
        .replace("cap_grade = \"C\"", "cap_grade = \"E\"")
        .replace("when_tiers = [\"violation\"]", "when_tiers = [\"violated\"]")
        .replace("modelled_on = [\"s\"]", "modelled_on = [\"t\"]")
        .replace("min_score = 0.0", "min_score = 10.0")
        .replace("points = 4.0\nlabel_zh = \"部分\"", "points = 12.0\nlabel_zh = \"部分\"");
    let problems = Framework::from_toml(&broken).expect_err("broken");
    let expected = [
        FrameworkProblem::AreaWeightsDoNotSum { sum: 90.0, max_score: 100.0 },
        FrameworkProblem::UnknownGrade { gate: "violation".into(), grade: "E".into() },
        FrameworkProblem::UnknownTier { gate: "violation".into(), tier: "violated".into() },
        FrameworkProblem::UnknownSource { indicator: "x".into(), tier: "full".into(), source_id: "t".into() },
        FrameworkProblem::BandsDoNotCoverZero { min_score: 10.0 },
        FrameworkProblem::PointsOutOfOrder { indicator: "x".into(), tier: "full".into() },
        FrameworkProblem::PointsOutOfOrder { indicator: "x".into(), tier: "partial".into() },
    ];
    for problem in expected {
        assert!(problems.contains(&problem), "{problem:?} missing from {problems:?}");
    }
    assert_eq!(problems.len(), 7, "{problems:?}");
}

#[test]
fn a_framework_without_a_none_tier_or_bands_in_order_is_refused() {
    let broken = GOLDEN
        .replace("id = \"none\"\nlevel = \"none\"\npoints = 0.0\nlabel_zh = \"无\"\nlabel_en = \"none\"\n\n[[area.indicator]]\nid = \"y\"", "id = \"nothing\"\nlevel = \"partial\"\npoints = 1.0\nlabel_zh = \"无\"\nlabel_en = \"none\"\n\n[[area.indicator]]\nid = \"y\"")
        .replace("min_score = 60.0", "min_score = 90.0");
    let problems = Framework::from_toml(&broken).expect_err("broken");
    assert!(problems.contains(&FrameworkProblem::MissingTierLevel { indicator: "x".into(), level: TierLevel::None }));
    assert!(problems.contains(&FrameworkProblem::BandsOutOfOrder { grade: "B".into() }));
}

#[test]
fn a_label_missing_in_one_language_is_refused() {
    let problems =
        Framework::from_toml(&GOLDEN.replacen("label_zh = \"全\"", "label_zh = \" \"", 1)).expect_err("broken");
    assert_eq!(problems, vec![FrameworkProblem::EmptyText { id: "x/full".into(), field: "label_zh".into() }]);
}

#[test]
fn a_framework_with_an_unknown_key_is_a_syntax_problem() {
    let problems = Framework::from_toml(&GOLDEN.replace("design_note", "desing_note")).expect_err("broken");
    // The misspelt key is on line 6 of the text (its first line is empty).
    assert!(matches!(problems.as_slice(), [FrameworkProblem::Syntax { line: Some(6), .. }]), "{problems:?}");
}
